// Drives our server with the published SDK's wallet service (its invoice methods), as a client of the
// published service would, and prints what each call answered as one JSON object for the test to read.
// Usage: node invoices_check.mjs   (BASE_URL, OWNER_TOKEN, OTHER_TOKEN in the environment)
import { WalletService } from './hoody-sdk/generated/api/wallet.service.js';
import { httpClient, refusal } from './sdk_client.mjs';

const { BASE_URL, OWNER_TOKEN, OTHER_TOKEN } = process.env;

const owner = new WalletService(httpClient(BASE_URL, OWNER_TOKEN));
const other = new WalletService(httpClient(BASE_URL, OTHER_TOKEN));
const seen = {};

seen.list = await owner.listInvoices();
seen.secondPage = await owner.listInvoices({ page: 2, limit: 1 });
seen.listAll = await owner.listInvoicesAll();
const newest = seen.list.data.invoices[0];
seen.one = await owner.getInvoice(newest.id);
const pdf = await owner.downloadInvoicePdf(newest.id);
// The client reads an attachment as bytes; unwrapped or in its envelope's data, depending on the answer.
const bytes = pdf instanceof ArrayBuffer ? pdf : pdf.data;
seen.pdf = { isBytes: bytes instanceof ArrayBuffer, base64: Buffer.from(bytes).toString('base64') };
seen.othersInvoice = await refusal(() => other.getInvoice(newest.id, { retries: 0 }));
seen.othersPdf = await refusal(() => other.downloadInvoicePdf(newest.id, { retries: 0 }));
seen.otherList = await other.listInvoices();

console.log(JSON.stringify(seen));
