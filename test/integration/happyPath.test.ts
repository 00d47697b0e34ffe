// The foundation's vertical slice: REST API → Temporal workflow → real HTTP receiver, signed,
// recorded in MongoDB (FerretDB), visible to a Temporal visibility query.
import { WorkflowNotFoundError } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import type { Herald, TestWorkspace } from '../support/client';
import { eventually, eventuallyValue } from '../support/eventually';
import { startHerald, type HeraldStack } from '../support/stack';
import { startReceiver, type Receiver } from '../support/receiver';

/** How long the receiver holds its answer to the first delivery: a lower bound of its recorded duration. */
const ANSWER_DELAY_MS = 250;

let stack: HeraldStack;
let herald: Herald;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startHerald();
  herald = stack.herald;
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

describe('happy path through the public API', () => {
  let ws: TestWorkspace;
  let webhook: { id: string; secret: string };

  beforeAll(async () => {
    ws = await herald.workspace(['order.status']);
    const created = await herald.webhooks.create(ws, { name: 'Orders', url: receiver.url, events: ['order.status'], secret: true });
    expect(created.status).toBe(201);
    webhook = { id: created.data.id, secret: created.data.secret };
  });

  it('returns a generated whsec_ secret once, and never again', async () => {
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const fetched = await herald.webhooks.get(ws, webhook.id);
    expect(fetched.status).toBe(200);
    expect(fetched.body.data.hasSecret).toBe(true);
    expect(fetched.text).not.toContain(webhook.secret);
    expect(fetched.body.data.secret).toBeUndefined();
  });

  it('delivers a signed envelope, records the attempt, and is findable by search attributes', async () => {
    const rawData = '{"orderId": "A-1",  "total": 12345678901234567890, "status":"FULFILLED"}';
    const body = `{"id":"evt-happy-1","type":"order.status","data":${rawData}}`;
    // The receiver holds its answer a known time, which the attempt's duration must include.
    receiver.script([{ status: 200, body: 'ok', delayMs: ANSWER_DELAY_MS }]);
    const ingest = await herald.events.post(ws, body);
    expect(ingest.status).toBe(202);
    const deliveryId = `delivery/${ws.id}/evt-happy-1/${webhook.id}`;
    expect(ingest.body).toEqual({ data: { eventId: 'evt-happy-1', deliveries: [{ id: deliveryId, webhookId: webhook.id, status: 'pending' }] }, error: null });

    const [request] = await receiver.waitFor(1);
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toMatch(/^Herald-Webhooks\/\d+\.\d+\.\d+$/);
    expect(request.headers['webhook-id']).toBe(deliveryId);
    expect(request.headers['webhook-event-type']).toBe('order.status');
    // The data is embedded exactly as it was sent: spacing and the 20-digit number survive.
    expect(request.body).toContain(`"data":${rawData}`);
    const envelope = JSON.parse(request.body);
    expect(envelope).toMatchObject({ id: 'evt-happy-1', family: 'order', action: 'order.status' });
    expect(Date.parse(envelope.timestamp)).not.toBeNaN();
    // The standardwebhooks verifier accepts the signature.
    const verified = new Webhook(webhook.secret).verify(request.body, {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    });
    expect(verified).toMatchObject({ action: 'order.status' });
    expect(() => new Webhook(webhook.secret).verify(request.body.replace('A-1', 'A-2'), request.headers as Record<string, string>)).toThrow();

    const delivery = await herald.deliveries.waitFor(ws, deliveryId, ['succeeded']);
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ n: 1, statusCode: 200, responseSnippet: 'ok' });
    // A few ms of slack: the receiver's timer runs on the event loop's cached clock.
    expect(delivery.attempts[0].durationMs).toBeGreaterThanOrEqual(ANSWER_DELAY_MS - 5);
    expect(delivery.nextAttemptAt).toBeNull();

    // The first attempt ran in the event's workflow, found in the Web UI by the webhook's id.
    const eventWorkflowId = `event/${ws.id}/evt-happy-1`;
    const handle = stack.temporal.client.workflow.getHandle(eventWorkflowId);
    expect(await handle.result()).toEqual({ deliveries: [{ deliveryId, result: 'succeeded' }] });
    const query = `HeraldWebhookIds = '${webhook.id}' AND HeraldEventType = 'order.status'`;
    const found = await eventuallyValue(
      async () => {
        const ids: string[] = [];
        for await (const execution of stack.temporal.client.workflow.list({ query })) ids.push(execution.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
      { timeoutMs: 30_000, intervalMs: 300, what: `a visibility query to find ${eventWorkflowId}` },
    );
    expect(found).toEqual([eventWorkflowId]);
    const description = await handle.describe();
    expect(description.memo).toMatchObject({ summary: expect.stringContaining('order.status') });
    // A first-try success is cheap for the engine: one workflow, one task, one local activity.
    const history = await handle.fetchHistory();
    expect(history.events!.length).toBeLessThanOrEqual(12);
    // No delivery workflow was needed.
    await expect(stack.temporal.client.workflow.getHandle(deliveryId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('delivers nothing twice when the same event id is posted again', async () => {
    const before = receiver.requests.length;
    const first = await herald.events.post(ws, { id: 'evt-dup', type: 'order.status', data: { n: 1 } });
    expect(first.status).toBe(202);
    const deliveryId = `delivery/${ws.id}/evt-dup/${webhook.id}`;
    expect(first.data.deliveries).toEqual([{ id: deliveryId, webhookId: webhook.id, status: 'pending' }]);
    await receiver.waitFor(before + 1);
    const second = await herald.events.post(ws, { id: 'evt-dup', type: 'order.status', data: { n: 2 } });
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);

    // Wait until every workflow that could still send closed: the event's, and a delivery
    // workflow if one was started. Nothing can be sent after that.
    const eventRun = stack.temporal.client.workflow.getHandle(`event/${ws.id}/evt-dup`);
    await eventually(async () => (await eventRun.describe()).status.name !== 'RUNNING', { what: 'the event workflow to close' });
    expect(await eventRun.result()).toEqual({ deliveries: [{ deliveryId, result: 'succeeded' }] });
    await eventually(
      async () => {
        try {
          return (await stack.temporal.client.workflow.getHandle(deliveryId).describe()).status.name !== 'RUNNING';
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) return true; // the attempt in the event workflow succeeded
          throw error;
        }
      },
      { what: 'the delivery workflow, if any, to close' },
    );

    // Herald's record: one delivery, one attempt. The receiver: one request with its webhook-id.
    const delivery = await herald.deliveries.waitFor(ws, deliveryId, ['succeeded']);
    expect(delivery.attempts).toHaveLength(1);
    const sent = receiver.requests.filter((request) => request.headers['webhook-id'] === deliveryId);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0].body).data).toEqual({ n: 1 });
  });

  it('answers 401 without a key or with a wrong one, and 404 for another workspace', async () => {
    expect((await herald.request('GET', `/workspaces/${ws.id}/webhooks`, undefined, null)).status).toBe(401);
    const wrong = await herald.webhooks.list({ id: ws.id, key: 'hk_not-a-key' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ data: null, error: { code: 'unauthorized', message: expect.any(String) } });
    const other = await herald.workspace();
    expect((await herald.webhooks.get({ id: ws.id, key: other.key }, webhook.id)).status).toBe(404);
    expect((await herald.webhooks.get(other, webhook.id)).status).toBe(404);
  });
});
