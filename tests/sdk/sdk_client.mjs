// What the SDK checks share: a client of our server for a token, and a refusal as {status, code, message}.
import { HttpClient } from './hoody-sdk/generated/http-client.js';

export { refusal } from './refusal.mjs';

export function httpClient(baseURL, token) {
  // A token given directly; no login, no refresh (the SDK would wait on a 401 to refresh otherwise).
  return new HttpClient({ baseURL, token, autoRetryAuth: false, cache: { enabled: false }, timeout: 10000 });
}
