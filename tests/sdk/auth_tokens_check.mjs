// Drives our server with the published SDK's auth tokens service: list, create, the calling token, the
// templates, update and delete; prints what each call answered as one JSON object for the test to read.
// Usage: node auth_tokens_check.mjs   (BASE_URL and OWNER_TOKEN in the environment)
import { ApiError } from './hoody-sdk/generated/errors.js';
import { HttpClient } from './hoody-sdk/generated/http-client.js';
import { AuthTokensService } from './hoody-sdk/generated/api/auth-tokens.service.js';

const { BASE_URL, OWNER_TOKEN } = process.env;

function client(token) {
  // A token given directly; no login, no refresh (the SDK would wait on a 401 to refresh otherwise).
  const http = new HttpClient({ baseURL: BASE_URL, token, autoRetryAuth: false, cache: { enabled: false },
                                timeout: 10000 });
  return { http, authTokens: new AuthTokensService(http) };
}

async function refusal(call) {
  try {
    await call();
    return null;
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, code: error.code ?? null, message: error.message };
    throw error;
  }
}

const owner = client(OWNER_TOKEN);
const seen = {};

seen.templates = await owner.authTokens.listAuthTokenPermissionTemplates();
seen.created = await owner.authTokens.create({ alias: 'SDK reader', permission_template: 'read_only',
                                                ip_whitelist: '*', expires_at: 'tomorrow', otp_code: '123456' });
const reader = client(seen.created.data.token);
seen.readerMe = await reader.authTokens.getCurrent();
seen.readerCreate = await refusal(() => reader.authTokens.create({ alias: 'wider' }, { retries: 0 }));
seen.list = await owner.authTokens.list();
seen.get = await owner.authTokens.get(seen.created.data.id);
seen.updated = await owner.authTokens.update(seen.created.data.id, { alias: 'SDK reader (off)', is_enabled: false });
seen.disabledMe = await refusal(() => reader.authTokens.getCurrent({ retries: 0 }));
seen.deleted = await owner.authTokens.delete(seen.created.data.id);
seen.afterDelete = await refusal(() => owner.authTokens.get(seen.created.data.id, { retries: 0 }));
seen.listAfter = await owner.authTokens.list();

console.log(JSON.stringify(seen));
