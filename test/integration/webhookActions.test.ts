// The test endpoint and the ping, deactivation with its notification, and reactivation that
// replays or discards what was buffered while the endpoint was off.
import { createHash } from 'node:crypto';
import type { Herald, TestWorkspace } from '../support/client';
import { startHerald, type HeraldStack } from '../support/stack';
import { startReceiver, type Receiver } from '../support/receiver';

let stack: HeraldStack;
let herald: Herald;
let receiver: Receiver;
let notifications: Receiver;
let ws: TestWorkspace;

beforeAll(async () => {
  stack = await startHerald();
  herald = stack.herald;
  [receiver, notifications] = await Promise.all([startReceiver(), startReceiver()]);
  ws = await herald.workspace(['order.status', 'order.created']);
  await herald.workspaces.update(ws.id, { notificationUrl: notifications.url });
});
afterAll(async () => {
  await Promise.all([receiver?.close(), notifications?.close()]);
  await stack?.stop();
});

/** A webhook of the shared workspace, sending to the shared receiver. */
async function createWebhook(body: Record<string, unknown>) {
  const created = await herald.webhooks.create(ws, { name: 'Shop', url: receiver.url, ...body });
  expect(created.status).toBe(201);
  return created.data.id as string;
}

describe('POST /webhooks/{id}/test', () => {
  it('runs one test per subscribed event type against a good receiver and keeps the webhook active', async () => {
    receiver.script([], { status: 200 });
    const id = await createWebhook({ events: ['order.status', 'order.created'] });
    const before = receiver.requests.length;
    const result = await herald.webhooks.test(ws, id);
    expect(result.status).toBe(200);
    expect(result.body.error).toBeNull();
    expect(result.data).toMatchObject({ testsRun: 2, testsSucceeded: 2, testsFailed: 0 });
    expect(Date.parse(result.data.startedAt)).not.toBeNaN();
    expect(result.data.tests.map((t: { event: string }) => t.event)).toEqual(['order.status', 'order.created']);
    expect(result.data.tests[0]).toMatchObject({ statusCode: 200, error: null, durationMs: expect.any(Number) });
    const sent = receiver.requests.slice(before).map((r) => r.headers['webhook-event-type']);
    expect(sent).toEqual(['order.status', 'order.created']);
    expect((await herald.webhooks.get(ws, id)).data.active).toBe(true);
  });

  it('sends a sample of the one event asked for, and refuses an event the webhook does not hear', async () => {
    receiver.script([], { status: 200 });
    const id = await createWebhook({ events: ['order.status', 'order.created'] });
    const result = await herald.webhooks.test(ws, id, { event: 'order.created' });
    expect(result.data).toMatchObject({ testsRun: 1, testsSucceeded: 1, tests: [{ event: 'order.created' }] });
    const unknown = await herald.webhooks.test(ws, id, { event: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('body.event');
  });

  it('pings a webhook subscribed to all events, with the md5 of the payload (JSON and XML)', async () => {
    receiver.script([], { status: 200 });
    const jsonId = await createWebhook({ events: ['*'] });
    await herald.webhooks.test(ws, jsonId);
    const json = receiver.requests[receiver.requests.length - 1];
    const ping = JSON.parse(json.body);
    expect(ping.payload).toEqual({ type: 'ping', epoch_timestamp: expect.any(Number) });
    const payloadJson = `{"type":"ping","epoch_timestamp":${ping.payload.epoch_timestamp}}`;
    expect(ping.md5).toBe(createHash('md5').update(payloadJson).digest('hex'));

    const xmlId = await createWebhook({ events: ['*'], contentType: 'xml' });
    await herald.webhooks.test(ws, xmlId);
    const xml = receiver.requests[receiver.requests.length - 1];
    expect(xml.headers['content-type']).toBe('application/xml');
    const epoch = /<epoch_timestamp>(\d+)<\/epoch_timestamp>/.exec(xml.body)![1];
    const md5 = createHash('md5').update(`{"type":"ping","epoch_timestamp":${epoch}}`).digest('hex');
    expect(xml.body).toContain(`<notification><payload><type>ping</type><epoch_timestamp>${epoch}</epoch_timestamp></payload><md5>${md5}</md5></notification>`);
  });

  it('deactivates the webhook when a test fails, notifies the workspace, and lists the notification', async () => {
    receiver.script([], { status: 503 });
    const id = await createWebhook({ events: ['order.status'] });
    const result = await herald.webhooks.test(ws, id);
    expect(result.data).toMatchObject({ testsRun: 1, testsSucceeded: 0, testsFailed: 1, tests: [{ statusCode: 503 }] });
    expect(result.data.tests[0].error).toContain('503');

    const webhook = (await herald.webhooks.get(ws, id)).data;
    expect(webhook.active).toBe(false);
    expect(webhook.deactivationReason).toContain('test of order.status failed');
    expect(Date.parse(webhook.deactivatedAt)).not.toBeNaN();

    const activationPath = `/v1/workspaces/${ws.id}/webhooks/${id}/activate`;
    const listed = await herald.notifications.list(ws);
    expect(listed.data).toContainEqual(expect.objectContaining({ type: 'webhook.deactivated', webhookId: id, activationPath }));
    const [sent] = (await notifications.waitFor(1)).filter((r) => JSON.parse(r.body).data?.webhookId === id);
    expect(JSON.parse(sent.body).data).toMatchObject({ type: 'webhook.deactivated', activationPath, message: expect.stringContaining(activationPath) });

    // An inactive webhook is not attempted: the event waits in its buffer.
    const ingest = await herald.events.post(ws, { type: 'order.status', data: {} });
    expect(ingest.data.deliveries).toContainEqual(expect.objectContaining({ webhookId: id, status: 'buffered' }));
  });
});

describe('deactivate and activate', () => {
  // A delivery in flight when its webhook is switched off is buffered, then replayed or discarded.
  async function bufferedDelivery(): Promise<{ webhookId: string; deliveryId: string }> {
    receiver.script([], { status: 500 });
    const webhookId = await createWebhook({ events: ['order.created'], retryPolicy: { preset: 'fixed', intervalSeconds: 2 } });
    const ingest = await herald.events.post(ws, { type: 'order.created', data: { n: 1 } });
    const deliveryId = ingest.data.deliveries.find((d: { webhookId: string }) => d.webhookId === webhookId).id;
    await herald.deliveries.waitForAttempts(ws, deliveryId, 1);
    const off = await herald.webhooks.deactivate(ws, webhookId);
    expect(off.status).toBe(200);
    expect(off.data).toMatchObject({ active: false, deactivationReason: 'deactivated manually' });
    await herald.deliveries.waitFor(ws, deliveryId, ['buffered']);
    return { webhookId, deliveryId };
  }

  it('replays buffered deliveries on activate with replayEvents: true', async () => {
    const { webhookId, deliveryId } = await bufferedDelivery();
    receiver.script([], { status: 200 });
    const on = await herald.webhooks.activate(ws, webhookId, { replayEvents: true });
    expect(on.status).toBe(200);
    expect(on.data.active).toBe(true);
    expect(on.data.deactivatedAt).toBeUndefined();
    const delivery = await herald.deliveries.waitFor(ws, deliveryId, ['succeeded']);
    expect(delivery.attempts[delivery.attempts.length - 1]).toMatchObject({ statusCode: 200 });
  });

  it('discards buffered deliveries on activate with replayEvents: false', async () => {
    const { webhookId, deliveryId } = await bufferedDelivery();
    const on = await herald.webhooks.activate(ws, webhookId, { replayEvents: false });
    expect(on.status).toBe(200);
    await herald.deliveries.waitFor(ws, deliveryId, ['discarded']);
    const missing = await herald.webhooks.activate(ws, webhookId, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('body.replayEvents');
  });
});

describe('switching and removing endpoints through the resource itself', () => {
  it('PATCH active records and clears the deactivation like the action calls do', async () => {
    const id = await createWebhook({ events: ['order.status'] });
    const off = await herald.webhooks.update(ws, id, { active: false });
    expect(off.data).toMatchObject({ active: false, deactivationReason: 'deactivated by update' });
    const on = await herald.webhooks.update(ws, id, { active: true });
    expect(on.data.active).toBe(true);
    expect(on.data.deactivatedAt).toBeUndefined();
    expect(on.data.deactivationReason).toBeUndefined();
  });

  it("DELETE cancels the webhook's pending deliveries", async () => {
    receiver.script([], { status: 500 });
    const id = await createWebhook({ events: ['order.created'], retryPolicy: { preset: 'fixed', intervalSeconds: 3600 } });
    const ingest = await herald.events.post(ws, { type: 'order.created', data: {} });
    const deliveryId = ingest.data.deliveries.find((d: { webhookId: string }) => d.webhookId === id).id;
    await herald.deliveries.waitForAttempts(ws, deliveryId, 1);
    expect((await herald.webhooks.remove(ws, id)).status).toBe(204);
    await herald.deliveries.waitFor(ws, deliveryId, ['cancelled']);
    const run = await stack.temporal.client.workflow.getHandle(deliveryId).result();
    expect(run).toMatchObject({ status: 'cancelled', attemptsMade: 1 });
  });
});

describe('the workspace notification URL', () => {
  it('obeys requireHttps and can be cleared with null', async () => {
    const refused = await herald.workspaces.update(ws.id, { requireHttps: true, notificationUrl: 'http://127.0.0.1:9/x' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('body.notificationUrl');
    const other = await herald.workspace();
    await herald.workspaces.update(other.id, { notificationUrl: notifications.url });
    const cleared = await herald.workspaces.update(other.id, { notificationUrl: null });
    expect(cleared.status).toBe(200);
    expect(cleared.data.settings.notificationUrl).toBeUndefined();
  });
});
