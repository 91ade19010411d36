// Drives our server's published wallet paths through the published SDK's HTTP client, as a client of the
// published service would, and prints what each call answered as one JSON object for the test to read.
// The SDK's wallet service module is not among the vendored files, so its paths are called through the
// client it is built on (the same requests, envelope and errors).
// Usage: node wallet_check.mjs   (BASE_URL, PAYER_TOKEN, OTHER_TOKEN, PHASE=checkout|after in the environment)
import { httpClient, refusal } from './sdk_client.mjs';

const { BASE_URL, PAYER_TOKEN, OTHER_TOKEN, PHASE, INTENT_ID } = process.env;
const payer = httpClient(BASE_URL, PAYER_TOKEN);
const other = httpClient(BASE_URL, OTHER_TOKEN);
const seen = {};

seen.balances = await payer.get('/api/v1/wallet/balances');
seen.general = await payer.get('/api/v1/wallet/balances/general');
if (PHASE === 'checkout') {
  seen.availability = await payer.get('/api/v1/wallet/payment-availability');
  seen.checkout = await payer.post('/api/v1/wallet/payments/stripe/checkout', { body: { amount: '50.00' } });
  seen.fractionOfACent = await refusal(() => payer.post('/api/v1/wallet/payments/stripe/checkout',
    { body: { amount: '50.001' }, retries: 0 }));
  seen.belowTheMinimum = await refusal(() => payer.post('/api/v1/wallet/payments/stripe/checkout',
    { body: { amount: '1.00' }, retries: 0 }));
  seen.intents = await payer.get('/api/v1/wallet/payments/stripe/intents');
  seen.othersIntent = await refusal(() => other.get(
    `/api/v1/wallet/payments/stripe/intents/${seen.checkout.data.intent_id}`, { retries: 0 }));
} else {
  seen.intent = await payer.get(`/api/v1/wallet/payments/stripe/intents/${INTENT_ID}`);
  seen.transaction = await payer.get(`/api/v1/wallet/transactions/${seen.intent.data.transaction_id}`);
  seen.othersTransaction = await refusal(() => other.get(
    `/api/v1/wallet/transactions/${seen.intent.data.transaction_id}`, { retries: 0 }));
}

console.log(JSON.stringify(seen));
