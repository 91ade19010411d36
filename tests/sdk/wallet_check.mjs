// Drives our server's published wallet paths with the published SDK's wallet service (balances, payment
// availability, card checkout, intents, one transaction), as a client of the published service would, and
// prints what each call answered as one JSON object for the test to read.
// Usage: node wallet_check.mjs   (BASE_URL, PAYER_TOKEN, OTHER_TOKEN, PHASE=checkout|after in the environment)
import { WalletService } from './hoody-sdk/generated/api/wallet.service.js';
import { httpClient, refusal } from './sdk_client.mjs';

const { BASE_URL, PAYER_TOKEN, OTHER_TOKEN, PHASE, INTENT_ID } = process.env;
const payer = new WalletService(httpClient(BASE_URL, PAYER_TOKEN));
const other = new WalletService(httpClient(BASE_URL, OTHER_TOKEN));
const seen = {};

seen.balances = await payer.getAggregateBalances();
seen.general = await payer.getGeneralBalance();
if (PHASE === 'checkout') {
  seen.availability = await payer.getPaymentAvailability();
  seen.checkout = await payer.createStripeCheckout({ amount: '50.00' });
  seen.fractionOfACent = await refusal(() => payer.createStripeCheckout({ amount: '50.001' }, { retries: 0 }));
  seen.belowTheMinimum = await refusal(() => payer.createStripeCheckout({ amount: '1.00' }, { retries: 0 }));
  seen.intents = await payer.listStripePaymentIntents({ limit: 10, offset: 0 });
  seen.othersIntent = await refusal(() => other.getStripePaymentIntent(seen.checkout.data.intent.id, { retries: 0 }));
} else {
  seen.intent = await payer.getStripePaymentIntent(INTENT_ID);
  seen.transaction = await payer.getTransaction(seen.intent.data.transaction_id);
  seen.othersTransaction = await refusal(() => other.getTransaction(seen.intent.data.transaction_id, { retries: 0 }));
}

console.log(JSON.stringify(seen));
