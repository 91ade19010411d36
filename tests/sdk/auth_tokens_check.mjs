// Drives our server with the published SDK's auth tokens service: list, create, the calling token, the
// templates, update and delete; prints what each call answered as one JSON object for the test to read.
// Usage: node auth_tokens_check.mjs   (BASE_URL and OWNER_TOKEN in the environment)
import { AuthTokensService } from './hoody-sdk/generated/api/auth-tokens.service.js';
import { httpClient, refusal } from './sdk_client.mjs';

const { BASE_URL, OWNER_TOKEN } = process.env;

function client(token) {
  const http = httpClient(BASE_URL, token);
  return { http, authTokens: new AuthTokensService(http) };
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
