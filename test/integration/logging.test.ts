// Logs are structured JSON lines with request ids, and never carry a secret, a password or a key.
import type { Herald } from '../support/client';
import { startHerald, type HeraldStack } from '../support/stack';
import { startReceiver, type Receiver } from '../support/receiver';

const lines: string[] = [];
let stack: HeraldStack;
let herald: Herald;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startHerald({}, { logLines: lines });
  herald = stack.herald;
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

it('logs each request as JSON with its request id, and no secret, password or API key', async () => {
  const ws = await herald.workspace(['order.status']);
  const secret = 'my-very-own-signing-secret';
  const password = 'hunter2-but-longer';
  const created = await herald.request(
    'POST',
    `/workspaces/${ws.id}/webhooks`,
    { name: 'logged', url: receiver.url, events: ['order.status'], secret, auth: { username: 'u', password } },
    ws.key,
  );
  expect(created.status).toBe(201);
  const bad = await herald.request(
    'POST',
    `/workspaces/${ws.id}/webhooks`,
    { name: 'x', url: 'ftp://nope', events: ['order.status'], secret, auth: { username: 'u', password } },
    ws.key,
  );
  expect(bad.status).toBe(400);
  const ingest = await herald.request('POST', `/workspaces/${ws.id}/events`, { type: 'order.status', data: { n: 1 } }, ws.key);
  await herald.deliveries.waitFor(ws, ingest.body.data.deliveries[0].id, ['succeeded']);

  const records = lines.map((line) => JSON.parse(line) as { reqId?: string; req?: { url?: string } });
  const requests = records.filter((record) => record.req?.url?.includes(`/workspaces/${ws.id}/webhooks`));
  expect(requests.length).toBeGreaterThanOrEqual(2);
  expect(requests.every((record) => typeof record.reqId === 'string' && record.reqId.length > 0)).toBe(true);

  const all = lines.join('\n');
  const storedSecret = `whsec_${Buffer.from(secret).toString('base64')}`;
  for (const forbidden of [secret, storedSecret, password, ws.key, ws.key.slice(3)]) expect(all).not.toContain(forbidden);
});

it('takes the request id from x-request-id when the caller sends one', async () => {
  const response = await fetch(`${stack.baseUrl}/healthz`, { headers: { 'x-request-id': 'trace-me-123' } });
  expect(response.status).toBe(200);
  expect(lines.some((line) => (JSON.parse(line) as { reqId?: string }).reqId === 'trace-me-123')).toBe(true);
});
