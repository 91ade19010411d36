// What the SDK checks share: a client of our server for a token, and a refusal as {status, code, message}.
import { ApiError } from './hoody-sdk/generated/errors.js';
import { HttpClient } from './hoody-sdk/generated/http-client.js';

export function httpClient(baseURL, token) {
  // A token given directly; no login, no refresh (the SDK would wait on a 401 to refresh otherwise).
  return new HttpClient({ baseURL, token, autoRetryAuth: false, cache: { enabled: false }, timeout: 10000 });
}

export async function refusal(call) {
  try {
    await call();
    return null;
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, code: error.code ?? null, message: error.message };
    throw error;
  }
}
