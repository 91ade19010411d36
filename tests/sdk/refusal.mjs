// What the SDK threw for a refused call, as the checks read it; null when the call was not refused.
import { ApiError } from './hoody-sdk/generated/errors.js';

export async function refusal(call) {
  try {
    await call();
    return null;
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, code: error.code ?? null, message: error.message };
    throw error;
  }
}
