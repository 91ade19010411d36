// Drives our server with the published SDK's two-factor and authentication services, as a client of the
// published service would, and prints what each call answered as one JSON object for the test to read.
// Usage: node two_factor_check.mjs   (BASE_URL, TOKEN, USERNAME, PASSWORD in the environment)
import { createHmac } from 'node:crypto';
import { refusal } from './refusal.mjs';
import { HttpClient } from './hoody-sdk/generated/http-client.js';
import { AuthenticationService } from './hoody-sdk/generated/api/authentication.service.js';
import { TwoFactorAuthenticationService } from './hoody-sdk/generated/api/two-factor-authentication.service.js';

const { BASE_URL, TOKEN, USERNAME, PASSWORD } = process.env;

function client(token) {
  // No refresh: the SDK would wait on a 401 (a wrong code is one) to refresh a token otherwise.
  const http = new HttpClient({ baseURL: BASE_URL, token, autoRetryAuth: false, cache: { enabled: false },
                                timeout: 10000 });
  return { http, auth: new AuthenticationService(http), twoFactor: new TwoFactorAuthenticationService(http) };
}

// An authenticator app: RFC 6238 with 30-second steps and 6 digits, HMAC-SHA1 over the base32 secret.
function totp(secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secret.replace(/=+$/, '')) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const digest = createHmac('sha1', key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const owner = client(TOKEN);
const anonymous = client(undefined);
const seen = {};

seen.statusBefore = await owner.twoFactor.getStatus();
seen.setup = await owner.twoFactor.setup({ password: PASSWORD });
const secret = seen.setup.data.manual_entry_key;
seen.wrongSetupCode = await refusal(() => owner.twoFactor.verifySetup({ code: '000000' }));
seen.verifySetup = await owner.twoFactor.verifySetup({ code: totp(secret) });
seen.statusAfter = await owner.twoFactor.getStatus();
seen.login = await anonymous.auth.login({ username: USERNAME, password: PASSWORD });
seen.wrongCode = await refusal(() => anonymous.twoFactor.verify({ temp_token: seen.login.data.temp_token,
                                                                  code: '000000' }));
// The code of the next step: the one that turned two-factor on cannot be used again.
seen.verify = await anonymous.twoFactor.verify({ temp_token: seen.login.data.temp_token,
                                                 code: totp(secret, Date.now() + 30_000) });
const loggedIn = client(seen.verify.data.token);
seen.me = await loggedIn.http.get('/api/v1/users/auth/2fa/status');
const again = await anonymous.auth.login({ username: USERNAME, password: PASSWORD });
const backupCode = seen.setup.data.backup_codes[0];
seen.backupVerify = await anonymous.twoFactor.verify({ temp_token: again.data.temp_token, code: backupCode });
const third = await anonymous.auth.login({ username: USERNAME, password: PASSWORD });
seen.backupAgain = await refusal(() => anonymous.twoFactor.verify({ temp_token: third.data.temp_token,
                                                                    code: backupCode }));
seen.regenerate = await owner.twoFactor.regenerateBackupCodes({ password: PASSWORD,
                                                                code: seen.setup.data.backup_codes[1] });
seen.tokenGate = await owner.twoFactor.setTokenGate({ require_for_tokens: true });
seen.disable = await owner.twoFactor.disable({ password: PASSWORD, code: seen.regenerate.data.backup_codes[0] });
seen.statusEnd = await owner.twoFactor.getStatus();

console.log(JSON.stringify(seen));
