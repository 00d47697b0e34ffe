// The test endpoint and the ping, deactivation with its notification, and reactivation that
// replays or discards what was buffered while the endpoint was off.
import { createHash } from 'node:crypto';
import { api, createWorkspace, startHerald, waitForAttempts, waitForDelivery, type HeraldStack } from '../support/stack';
import { startReceiver, type Receiver } from '../support/receiver';

let stack: HeraldStack;
let receiver: Receiver;
let notifications: Receiver;
let ws: { id: string; key: string };

beforeAll(async () => {
  stack = await startHerald();
  [receiver, notifications] = await Promise.all([startReceiver(), startReceiver()]);
  ws = await createWorkspace(stack, ['order.status', 'order.created']);
  await api(stack, 'PATCH', `/workspaces/${ws.id}`, { notificationUrl: notifications.url });
});
afterAll(async () => {
  await Promise.all([receiver?.close(), notifications?.close()]);
  await stack?.stop();
});

async function createWebhook(body: Record<string, unknown>) {
  const created = await api(stack, 'POST', `/workspaces/${ws.id}/webhooks`, { name: 'Shop', url: receiver.url, ...body }, ws.key);
  expect(created.status).toBe(201);
  return created.body.data.id as string;
}

const runTest = (id: string, body: unknown = {}) => api(stack, 'POST', `/workspaces/${ws.id}/webhooks/${id}/test`, body, ws.key);
const getWebhook = async (id: string) => (await api(stack, 'GET', `/workspaces/${ws.id}/webhooks/${id}`, undefined, ws.key)).body.data;

describe('POST /webhooks/{id}/test', () => {
  it('runs one test per subscribed event type against a good receiver and keeps the webhook active', async () => {
    receiver.script([], { status: 200 });
    const id = await createWebhook({ events: ['order.status', 'order.created'] });
    const before = receiver.requests.length;
    const result = await runTest(id);
    expect(result.status).toBe(200);
    expect(result.body.error).toBeNull();
    expect(result.body.data).toMatchObject({ testsRun: 2, testsSucceeded: 2, testsFailed: 0 });
    expect(Date.parse(result.body.data.startedAt)).not.toBeNaN();
    expect(result.body.data.tests.map((t: { event: string }) => t.event)).toEqual(['order.status', 'order.created']);
    expect(result.body.data.tests[0]).toMatchObject({ statusCode: 200, error: null, durationMs: expect.any(Number) });
    const sent = receiver.requests.slice(before).map((r) => r.headers['webhook-event-type']);
    expect(sent).toEqual(['order.status', 'order.created']);
    expect((await getWebhook(id)).active).toBe(true);
  });

  it('sends a sample of the one event asked for, and refuses an event the webhook does not hear', async () => {
    receiver.script([], { status: 200 });
    const id = await createWebhook({ events: ['order.status', 'order.created'] });
    const result = await runTest(id, { event: 'order.created' });
    expect(result.body.data).toMatchObject({ testsRun: 1, testsSucceeded: 1, tests: [{ event: 'order.created' }] });
    const unknown = await runTest(id, { event: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('body.event');
  });

  it('pings a webhook subscribed to all events, with the md5 of the payload (JSON and XML)', async () => {
    receiver.script([], { status: 200 });
    const jsonId = await createWebhook({ events: ['*'] });
    await runTest(jsonId);
    const json = receiver.requests[receiver.requests.length - 1];
    const ping = JSON.parse(json.body);
    expect(ping.payload).toEqual({ type: 'ping', epoch_timestamp: expect.any(Number) });
    const payloadJson = `{"type":"ping","epoch_timestamp":${ping.payload.epoch_timestamp}}`;
    expect(ping.md5).toBe(createHash('md5').update(payloadJson).digest('hex'));

    const xmlId = await createWebhook({ events: ['*'], contentType: 'xml' });
    await runTest(xmlId);
    const xml = receiver.requests[receiver.requests.length - 1];
    expect(xml.headers['content-type']).toBe('application/xml');
    const epoch = /<epoch_timestamp>(\d+)<\/epoch_timestamp>/.exec(xml.body)![1];
    const md5 = createHash('md5').update(`{"type":"ping","epoch_timestamp":${epoch}}`).digest('hex');
    expect(xml.body).toContain(`<notification><payload><type>ping</type><epoch_timestamp>${epoch}</epoch_timestamp></payload><md5>${md5}</md5></notification>`);
  });

  it('deactivates the webhook when a test fails, notifies the workspace, and lists the notification', async () => {
    receiver.script([], { status: 503 });
    const id = await createWebhook({ events: ['order.status'] });
    const result = await runTest(id);
    expect(result.body.data).toMatchObject({ testsRun: 1, testsSucceeded: 0, testsFailed: 1, tests: [{ statusCode: 503 }] });
    expect(result.body.data.tests[0].error).toContain('503');

    const webhook = await getWebhook(id);
    expect(webhook.active).toBe(false);
    expect(webhook.deactivationReason).toContain('test of order.status failed');
    expect(Date.parse(webhook.deactivatedAt)).not.toBeNaN();

    const activationPath = `/v1/workspaces/${ws.id}/webhooks/${id}/activate`;
    const listed = await api(stack, 'GET', `/workspaces/${ws.id}/notifications`, undefined, ws.key);
    expect(listed.body.data).toContainEqual(expect.objectContaining({ type: 'webhook.deactivated', webhookId: id, activationPath }));
    const [sent] = (await notifications.waitFor(1)).filter((r) => JSON.parse(r.body).data?.webhookId === id);
    expect(JSON.parse(sent.body).data).toMatchObject({ type: 'webhook.deactivated', activationPath, message: expect.stringContaining(activationPath) });

    // An inactive webhook is not attempted: the event waits in its buffer.
    const ingest = await api(stack, 'POST', `/workspaces/${ws.id}/events`, { type: 'order.status', data: {} }, ws.key);
    expect(ingest.body.data.deliveries).toContainEqual(expect.objectContaining({ webhookId: id, status: 'buffered' }));
  });
});

describe('deactivate and activate', () => {
  // A delivery in flight when its webhook is switched off is buffered, then replayed or discarded.
  async function bufferedDelivery(): Promise<{ webhookId: string; deliveryId: string }> {
    receiver.script([], { status: 500 });
    const webhookId = await createWebhook({ events: ['order.created'], retryPolicy: { preset: 'fixed', intervalSeconds: 2 } });
    const ingest = await api(stack, 'POST', `/workspaces/${ws.id}/events`, { type: 'order.created', data: { n: 1 } }, ws.key);
    const deliveryId = ingest.body.data.deliveries.find((d: { webhookId: string }) => d.webhookId === webhookId).id;
    await waitForAttempts(stack, ws, deliveryId, 1);
    const off = await api(stack, 'POST', `/workspaces/${ws.id}/webhooks/${webhookId}/deactivate`, undefined, ws.key);
    expect(off.status).toBe(200);
    expect(off.body.data).toMatchObject({ active: false, deactivationReason: 'deactivated manually' });
    await waitForDelivery(stack, ws.id, ws.key, deliveryId, ['buffered']);
    return { webhookId, deliveryId };
  }

  it('replays buffered deliveries on activate with replayEvents: true', async () => {
    const { webhookId, deliveryId } = await bufferedDelivery();
    receiver.script([], { status: 200 });
    const on = await api(stack, 'POST', `/workspaces/${ws.id}/webhooks/${webhookId}/activate`, { replayEvents: true }, ws.key);
    expect(on.status).toBe(200);
    expect(on.body.data.active).toBe(true);
    expect(on.body.data.deactivatedAt).toBeUndefined();
    const delivery = await waitForDelivery(stack, ws.id, ws.key, deliveryId, ['succeeded']);
    expect(delivery.attempts[delivery.attempts.length - 1]).toMatchObject({ statusCode: 200 });
  });

  it('discards buffered deliveries on activate with replayEvents: false', async () => {
    const { webhookId, deliveryId } = await bufferedDelivery();
    const on = await api(stack, 'POST', `/workspaces/${ws.id}/webhooks/${webhookId}/activate`, { replayEvents: false }, ws.key);
    expect(on.status).toBe(200);
    await waitForDelivery(stack, ws.id, ws.key, deliveryId, ['discarded']);
    const missing = await api(stack, 'POST', `/workspaces/${ws.id}/webhooks/${webhookId}/activate`, {}, ws.key);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('body.replayEvents');
  });
});

describe('switching and removing endpoints through the resource itself', () => {
  it('PATCH active records and clears the deactivation like the action calls do', async () => {
    const id = await createWebhook({ events: ['order.status'] });
    const off = await api(stack, 'PATCH', `/workspaces/${ws.id}/webhooks/${id}`, { active: false }, ws.key);
    expect(off.body.data).toMatchObject({ active: false, deactivationReason: 'deactivated by update' });
    const on = await api(stack, 'PATCH', `/workspaces/${ws.id}/webhooks/${id}`, { active: true }, ws.key);
    expect(on.body.data.active).toBe(true);
    expect(on.body.data.deactivatedAt).toBeUndefined();
    expect(on.body.data.deactivationReason).toBeUndefined();
  });

  it("DELETE cancels the webhook's pending deliveries", async () => {
    receiver.script([], { status: 500 });
    const id = await createWebhook({ events: ['order.created'], retryPolicy: { preset: 'fixed', intervalSeconds: 3600 } });
    const ingest = await api(stack, 'POST', `/workspaces/${ws.id}/events`, { type: 'order.created', data: {} }, ws.key);
    const deliveryId = ingest.body.data.deliveries.find((d: { webhookId: string }) => d.webhookId === id).id;
    await waitForAttempts(stack, ws, deliveryId, 1);
    expect((await api(stack, 'DELETE', `/workspaces/${ws.id}/webhooks/${id}`, undefined, ws.key)).status).toBe(204);
    await waitForDelivery(stack, ws.id, ws.key, deliveryId, ['cancelled']);
    const run = await stack.temporal.client.workflow.getHandle(deliveryId).result();
    expect(run).toMatchObject({ status: 'cancelled', attemptsMade: 1 });
  });
});

describe('the workspace notification URL', () => {
  it('obeys requireHttps and can be cleared with null', async () => {
    const refused = await api(stack, 'PATCH', `/workspaces/${ws.id}`, { requireHttps: true, notificationUrl: 'http://127.0.0.1:9/x' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('body.notificationUrl');
    const other = await createWorkspace(stack);
    await api(stack, 'PATCH', `/workspaces/${other.id}`, { notificationUrl: notifications.url });
    const cleared = await api(stack, 'PATCH', `/workspaces/${other.id}`, { notificationUrl: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.data.settings.notificationUrl).toBeUndefined();
  });
});
