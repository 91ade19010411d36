// Drives our server with the published SDK's notifications service, as a client of the published
// service would, and prints what each call answered as one JSON object for the test to read.
// Usage: node notifications_check.mjs   (BASE_URL, READER_TOKEN, ADMIN_TOKEN, OTHER_TOKEN in the environment)
import { NotificationsService } from './hoody-sdk/generated/api/notifications.service.js';
import { httpClient, refusal } from './sdk_client.mjs';

const { BASE_URL, READER_TOKEN, ADMIN_TOKEN, OTHER_TOKEN } = process.env;

function client(token) {
  const http = httpClient(BASE_URL, token);
  return { http, notifications: new NotificationsService(http) };
}

const reader = client(READER_TOKEN);
const admin = client(ADMIN_TOKEN);
const other = client(OTHER_TOKEN);
const anonymous = client(undefined);
const seen = {};

seen.publicBefore = await anonymous.notifications.listPublic();
// The SDK has no method for the administrators' path: its HTTP client posts there.
seen.created = await admin.http.post('/api/v1/admin/notifications', { body: {
  title: 'Maintenance tonight', message: 'Read-only for an hour.', type: 'MAINTENANCE', severity: 'WARNING',
  is_public: true, expires_at: '2025-02-05T00:00:00.000Z' } });
seen.refusedCreate = await refusal(() => admin.http.post('/api/v1/admin/notifications', { body: { message: 'No title' } }));
seen.list = await reader.notifications.list();
seen.listAll = await reader.notifications.listAll();
seen.unreadBefore = await reader.http.get('/api/v1/notifications', { query: { unread: 'true' } });
const newest = seen.list.data.find((note) => !note.is_global);
seen.markRead = await reader.notifications.markRead(newest.id);
seen.othersMarkRead = await refusal(() => other.notifications.markRead(newest.id));
seen.unreadAfterOne = await reader.http.get('/api/v1/notifications', { query: { unread: 'true' } });
seen.markAllRead = await reader.notifications.markAllRead();
seen.unreadAfterAll = await reader.http.get('/api/v1/notifications', { query: { unread: 'true' } });
seen.otherList = await other.notifications.list();
seen.publicAfter = await anonymous.notifications.listPublic();
seen.anonymousList = await refusal(() => anonymous.notifications.list({ retries: 0 }));

console.log(JSON.stringify(seen));
