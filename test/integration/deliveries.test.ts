// The webhook queue through the REST API: listing with filters and cursors, one delivery with
// every attempt, and manual retry and cancel, against the real worker and real receivers.
import type { Herald, TestWorkspace } from '../support/client';
import { attemptOutcomes, deliveryPath, startDeliveryCase, startHerald, type DeliveryCase, type HeraldStack } from '../support/stack';
import { startReceiver, type Receiver, type Reply } from '../support/receiver';

const FAIL: Reply = { status: 500, body: 'down' };
// Long enough that only a manual retry brings the second attempt.
const HOURLY = { preset: 'fixed', intervalSeconds: 3600 };
const NO_RETRIES = { preset: 'fixed', maxRetries: 0 };

let stack: HeraldStack;
let herald: Herald;
const receivers: Receiver[] = [];

beforeAll(async () => {
  stack = await startHerald();
  herald = stack.herald;
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await stack?.stop();
});

/** A webhook of its own, in a workspace of its own, and one event sent to it (see startDeliveryCase). */
async function deliveryCase(fields: Record<string, unknown>, replies: Reply[] = [], fallback?: Reply): Promise<DeliveryCase> {
  const c = await startDeliveryCase(stack, fields, replies, fallback);
  receivers.push(c.receiver);
  return c;
}

const settled = (c: DeliveryCase, status: string) => herald.deliveries.waitFor(c.ws, c.deliveryId, [status]);
/** The Temporal run has closed: nothing more will be attempted, so request counts are final. */
const runFinished = (c: DeliveryCase) => stack.temporal.client.workflow.getHandle(c.deliveryId).result();
const conflict = { data: null, error: { code: 'conflict', message: expect.any(String) } };

describe('GET /deliveries: the webhook queue', () => {
  let ws: TestWorkspace;
  let ok: string; // webhook whose receiver answers 200
  let broken: string; // webhook whose receiver answers 500, without retries
  const events = ['evt-q-1', 'evt-q-2', 'evt-q-3'];

  const list = async (query: string) => {
    const response = await herald.request('GET', `/workspaces/${ws.id}/deliveries?${query}`, undefined, ws.key);
    expect(response.status).toBe(200);
    return response.body as { data: Array<{ id: string; webhookId: string; eventId: string; status: string }>; nextCursor: string | null };
  };
  /** Follows nextCursor to the end; returns the pages' sizes and every item in order. */
  const allPages = async (query: string) => {
    const sizes: number[] = [];
    const items: Array<{ id: string; eventId: string; webhookId: string }> = [];
    let cursor: string | null = null;
    do {
      const page = await list(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      sizes.push(page.data.length);
      items.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    return { sizes, items };
  };

  beforeAll(async () => {
    ws = await herald.workspace(['order.status']);
    const [good, bad] = await Promise.all([startReceiver(), startReceiver()]);
    receivers.push(good, bad);
    bad.script([], FAIL);
    ok = await herald.webhooks.add(ws, { name: 'ok', url: good.url, events: ['order.status'] });
    broken = await herald.webhooks.add(ws, { name: 'broken', url: bad.url, events: ['order.status'], retryPolicy: NO_RETRIES });
    for (const id of events) {
      const { deliveries } = await herald.events.send(ws, { id, type: 'order.status' });
      await Promise.all(deliveries.map((d) => herald.deliveries.waitFor(ws, d.id, ['succeeded', 'failed'])));
    }
  });

  it('filters by webhookId, eventId and status, alone and combined', async () => {
    const byWebhook = await list(`webhookId=${ok}`);
    expect(byWebhook.data.map((d) => [d.eventId, d.webhookId, d.status])).toEqual(events.map((e) => [e, ok, 'succeeded']));
    expect(byWebhook.nextCursor).toBeNull();

    const byEvent = await list('eventId=evt-q-2');
    expect(byEvent.data.map((d) => d.webhookId).sort()).toEqual([ok, broken].sort());
    expect(byEvent.data.every((d) => d.id === `delivery/${ws.id}/evt-q-2/${d.webhookId}`)).toBe(true);

    expect((await list('status=failed')).data.map((d) => [d.eventId, d.webhookId])).toEqual(events.map((e) => [e, broken]));
    expect((await list(`status=succeeded&webhookId=${broken}`)).data).toEqual([]);
    expect((await list(`status=failed&eventId=evt-q-3`)).data.map((d) => d.webhookId)).toEqual([broken]);
    expect((await list('eventId=no-such-event')).data).toEqual([]);
  });

  it('pages oldest first with limit and nextCursor, with or without a filter', async () => {
    const everything = await allPages('limit=2');
    expect(everything.sizes).toEqual([2, 2, 2]);
    expect(new Set(everything.items.map((d) => d.id)).size).toBe(6);
    expect(everything.items.map((d) => d.eventId)).toEqual(events.flatMap((e) => [e, e]));
    // One page holding everything has no next page; so has a page exactly as long as what is left.
    expect((await list('limit=6')).nextCursor).toBeNull();
    expect((await list('limit=200')).data.map((d) => d.id)).toEqual(everything.items.map((d) => d.id));

    const filtered = await allPages(`webhookId=${broken}&limit=2`);
    expect(filtered.sizes).toEqual([2, 1]);
    expect(filtered.items.map((d) => d.eventId)).toEqual(events);
  });

  it('answers 400 naming the field for a bad filter, and shows another workspace nothing', async () => {
    for (const [query, field, mentions] of [
      ['status=delivered', 'querystring.status', '"cancelled"'],
      ['limit=0', 'querystring.limit', '1'],
      ['limit=201', 'querystring.limit', '200'],
      ['colour=red', 'querystring.colour', 'not a known field'],
    ]) {
      const response = await herald.request('GET', `/workspaces/${ws.id}/deliveries?${query}`, undefined, ws.key);
      expect({ query, status: response.status, fields: response.body.error.details.fields }).toEqual({ query, status: 400, fields: [field] });
      expect(response.body).toEqual({ data: null, error: { code: 'invalid_request', message: expect.stringContaining(field), details: expect.anything() } });
      expect(response.body.error.message).toContain(mentions);
    }
    const other = await herald.workspace();
    const theirs = await herald.deliveries.list(other, { webhookId: ok });
    expect(theirs.body).toEqual({ data: [], error: null, nextCursor: null });
    expect((await herald.deliveries.list({ id: ws.id, key: other.key })).status).toBe(404);
  });
});

describe('one delivery: attempts, retry and cancel', () => {
  it('shows every attempt and the next one while pending; retry on a pending delivery attempts at once', async () => {
    const longBody = `error: ${'x'.repeat(3000)}`;
    const c = await deliveryCase({ retryPolicy: HOURLY }, [{ status: 500, body: longBody }]);
    const pending = await herald.deliveries.waitForAttempts(c.ws, c.deliveryId, 1);

    expect(pending).toMatchObject({ id: c.deliveryId, webhookId: c.webhookId, eventType: 'order.status', status: 'pending', lane: 'priority' });
    const [first] = pending.attempts;
    expect(first).toEqual({
      n: 1,
      at: expect.any(String),
      durationMs: expect.any(Number),
      statusCode: 500,
      error: { kind: 'status', message: expect.any(String) },
      responseSnippet: longBody.slice(0, 1024),
    });
    expect(Buffer.byteLength(first.responseSnippet)).toBeLessThanOrEqual(1024);
    // The next attempt is the fixed interval (an hour) after the first.
    expect(Date.parse(pending.nextAttemptAt) - Date.parse(first.at)).toBeGreaterThan(3500_000);

    const retry = await herald.deliveries.retry(c.ws, c.deliveryId);
    expect(retry.status).toBe(202);
    // The answer is the record once the workflow has made the attempt (the receiver answers at once).
    expect(retry.body.data).toMatchObject({ id: c.deliveryId, status: 'succeeded', nextAttemptAt: null });
    expect(retry.body.data.attempts).toHaveLength(2);
    const done = await settled(c, 'succeeded');
    expect(attemptOutcomes(done)).toEqual([
      { n: 1, statusCode: 500, kind: 'status' },
      { n: 2, statusCode: 200, kind: undefined },
    ]);
    expect(done.nextAttemptAt).toBeNull();
    expect(c.receiver.requests.map((request) => request.headers['webhook-id'])).toEqual([c.deliveryId, c.deliveryId]);
  });

  it('retry on a failed delivery makes exactly one fresh attempt with the same webhook-id', async () => {
    const [recovers, stillDown] = await Promise.all([
      deliveryCase({ retryPolicy: NO_RETRIES }, [FAIL]),
      deliveryCase({ retryPolicy: { preset: 'max-attempts', maxRetries: 0 } }, [], FAIL),
    ]);
    await Promise.all([recovers, stillDown].map((c) => settled(c, 'failed')));
    const retried = await Promise.all([recovers, stillDown].map((c) => herald.deliveries.retry(c.ws, c.deliveryId)));
    for (const response of retried) expect(response.status).toBe(202);

    const recovered = await settled(recovers, 'succeeded');
    expect(attemptOutcomes(recovered)).toEqual([
      { n: 1, statusCode: 500, kind: 'status' },
      { n: 2, statusCode: 200, kind: undefined },
    ]);
    await herald.deliveries.waitForAttempts(stillDown.ws, stillDown.deliveryId, 2);
    await Promise.all([recovers, stillDown].map(runFinished));
    const failedAgain = (await herald.deliveries.get(stillDown.ws, stillDown.deliveryId)).data;
    expect(failedAgain.status).toBe('failed');
    expect(attemptOutcomes(failedAgain)).toEqual([1, 2].map((n) => ({ n, statusCode: 500, kind: 'status' })));

    // Each manual retry is one attempt more, numbered on, with the same webhook-id header.
    expect((await herald.deliveries.retry(stillDown.ws, stillDown.deliveryId)).status).toBe(202);
    const third = await herald.deliveries.waitForAttempts(stillDown.ws, stillDown.deliveryId, 3);
    await runFinished(stillDown);
    expect(third.attempts.map((a: { n: number }) => a.n)).toEqual([1, 2, 3]);
    for (const c of [recovers, stillDown]) {
      const ids = c.receiver.requests.map((request) => request.headers['webhook-id']);
      expect(ids).toEqual(Array(c === recovers ? 2 : 3).fill(c.deliveryId));
    }
  });

  it('cancel stops a pending delivery; cancel or retry of a finished one answers 409', async () => {
    const [waiting, delivered] = await Promise.all([deliveryCase({ retryPolicy: HOURLY }, [FAIL]), deliveryCase({})]);
    await herald.deliveries.waitForAttempts(waiting.ws, waiting.deliveryId, 1);

    const cancel = await herald.deliveries.cancel(waiting.ws, waiting.deliveryId);
    expect(cancel.status).toBe(202);
    // The answer is the record after the change, not as it was before the signal.
    expect(cancel.body.data).toMatchObject({ id: waiting.deliveryId, status: 'cancelled', nextAttemptAt: null });
    const cancelled = await settled(waiting, 'cancelled');
    expect(cancelled).toMatchObject({ nextAttemptAt: null, attempts: [expect.objectContaining({ n: 1, statusCode: 500 })] });
    // The run has ended: no attempt will follow.
    expect(await runFinished(waiting)).toMatchObject({ status: 'cancelled', attemptsMade: 1 });
    expect(waiting.receiver.requests).toHaveLength(1);

    await settled(delivered, 'succeeded');
    for (const [c, action] of [
      [waiting, 'cancel'],
      [waiting, 'retry'],
      [delivered, 'cancel'],
      [delivered, 'retry'],
    ] as const) {
      const response = await herald.deliveries[action](c.ws, c.deliveryId);
      expect({ action, status: response.status, body: response.body }).toEqual({ action, status: 409, body: conflict });
    }
    expect((await herald.deliveries.get(delivered.ws, delivered.deliveryId)).data).toMatchObject({
      status: 'succeeded',
      attempts: [expect.objectContaining({ n: 1, statusCode: 200 })],
    });
    expect(delivered.receiver.requests).toHaveLength(1);
  });

  it('answers 404 for an unknown delivery id and for another workspace’s delivery', async () => {
    const c = await deliveryCase({});
    const other = await herald.workspace();
    const unknown = `delivery/${c.ws.id}/no-such-event/${c.webhookId}`;
    const notFound = { data: null, error: { code: 'not_found', message: expect.any(String) } };
    const attempts: Array<[string, string, string]> = [];
    for (const action of [undefined, 'retry', 'cancel'] as const) {
      const method = action ? 'POST' : 'GET';
      attempts.push([method, deliveryPath(c.ws.id, unknown, action), c.ws.key]);
      // Another workspace's key, on its own workspace path or on the delivery's.
      attempts.push([method, deliveryPath(other.id, c.deliveryId, action), other.key]);
      attempts.push([method, deliveryPath(c.ws.id, c.deliveryId, action), other.key]);
    }
    for (const [method, path, key] of attempts) {
      const response = await herald.request(method, path, undefined, key);
      expect({ method, path, status: response.status, body: response.body }).toEqual({ method, path, status: 404, body: notFound });
    }
    // The delivery itself is untouched by all of that.
    await settled(c, 'succeeded');
    expect(c.receiver.requests).toHaveLength(1);
  });
});
