// Recovering deliveries through the public API with a real receiver: it fails first, so the
// deliveries end `failed` (a fixed policy with no retries) and `discarded` (a pause, then an
// activation that discards the buffer); then it is fixed, and POST …/recover delivers them all,
// in their events' order, to completion with the right counts. The same deliveries feed the
// reads beside it: the stats of the webhook's attempts, a delivery's masked request, the list's
// new filters and the event with its deliveries, all on the test stack's FerretDB.
import type { Herald, TestWorkspace } from '../support/client';
import { eventually } from '../support/eventually';
import { startReceiver, type Receiver } from '../support/receiver';
import { deliveryPath, startHerald, type HeraldStack } from '../support/stack';
import { newRecovery } from '../../src/store/recoveries';

const OK = { status: 200, body: 'ok' };
const DOWN = { status: 500, body: 'down' };
const STATUS = 'order.status';
const PAID = 'order.paid';
const SECRETS = { password: 'basic-password-value', header: 'custom-header-secret-value' };

let stack: HeraldStack;
let herald: Herald;
let receiver: Receiver;
let ws: TestWorkspace;
let webhookId: string;
let since: string;
/** Event ids in the order they were received, and their delivery ids. */
const order: string[] = [];
const deliveryOf = new Map<string, string>();
const receivedAt = new Map<string, string>();

const call = (method: string, path: string, body?: unknown) => herald.request(method, `/workspaces/${ws.id}${path}`, body, ws.key);
const recover = (body: unknown) => call('POST', `/webhooks/${webhookId}/recover`, body);

async function send(eventId: string, type = STATUS): Promise<void> {
  const ingested = await herald.events.send(ws, { id: eventId, type, data: { eventId, n: order.length + 1 } });
  order.push(eventId);
  deliveryOf.set(eventId, ingested.deliveries[0].id);
  receivedAt.set(eventId, (await call('GET', `/events/${eventId}`)).data.receivedAt as string);
}

/** Polls a recovery until it has ended; its view. */
const ended = (id: string, where?: TestWorkspace) =>
  eventually(
    async () => {
      const w = where ?? ws;
      const answer = await herald.request('GET', `/workspaces/${w.id}/recoveries/${id}`, undefined, w.key);
      if (answer.status === 200 && answer.data.state !== 'running') return answer.data;
      throw new Error(`recovery ${id} is ${answer.data?.state} (HTTP ${answer.status})`);
    },
    { timeoutMs: 90_000, what: `recovery ${id} to end` },
  );

beforeAll(async () => {
  [stack, receiver] = await Promise.all([startHerald(), startReceiver()]);
  herald = stack.herald;
  ws = await herald.workspace([STATUS, PAID]);
  receiver.script([], DOWN);
  webhookId = await herald.webhooks.add(ws, {
    url: `${receiver.url}/hooks`,
    events: [STATUS, PAID],
    secret: true,
    auth: { username: 'herald', password: SECRETS.password },
    headers: { 'X-Custom': SECRETS.header },
    // No retries: a failed first attempt ends the delivery `failed` at once.
    retryPolicy: { preset: 'fixed', maxRetries: 0 },
  });
  since = new Date(Date.now() - 1000).toISOString();

  for (const id of ['evt-1', 'evt-2', 'evt-3']) await send(id);
  for (const id of ['evt-1', 'evt-2', 'evt-3']) await herald.deliveries.waitFor(ws, deliveryOf.get(id)!, ['failed']);

  // Paused: two events wait in the buffer, then the activation discards them.
  expect((await herald.webhooks.deactivate(ws, webhookId)).status).toBe(200);
  for (const id of ['evt-4', 'evt-5']) await send(id);
  for (const id of ['evt-4', 'evt-5']) await herald.deliveries.waitFor(ws, deliveryOf.get(id)!, ['buffered']);
  const refused = await recover({ since });
  expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 409, code: 'conflict' });
  expect(refused.body.error.message).toMatch(/activate/);
  expect((await herald.webhooks.activate(ws, webhookId, { replayEvents: false })).status).toBe(200);
  for (const id of ['evt-4', 'evt-5']) await herald.deliveries.waitFor(ws, deliveryOf.get(id)!, ['discarded']);

  await send('evt-6', PAID);
  await herald.deliveries.waitFor(ws, deliveryOf.get('evt-6')!, ['failed']);
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

describe('POST /webhooks/{id}/recover', () => {
  it('refuses bad input naming the field, and an unknown webhook with 404', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /body\.since/],
      [{ since: 'yesterday' }, /body\.since/],
      [{ since, until: since }, /body\.until/],
      [{ since, statuses: [] }, /body\.statuses/],
      [{ since, statuses: ['pending'] }, /body\.statuses/],
      [{ since, statuses: ['failed', 'failed'] }, /body\.statuses/],
      [{ since, extra: 1 }, /body\.extra/],
      [{ since: new Date(Date.now() + 3_600_000).toISOString() }, /body\.since/],
    ];
    for (const [body, field] of cases) {
      const answer = await recover(body);
      expect({ body, status: answer.status, code: answer.body.error?.code }).toEqual({ body, status: 400, code: 'invalid_request' });
      expect(answer.body.error.message).toMatch(field);
    }
    expect((await call('POST', '/webhooks/wh_unknown/recover', { since })).status).toBe(404);
    expect((await call('GET', '/recoveries/rcv_unknown')).status).toBe(404);
  });

  it('resends every failed and discarded delivery once the receiver is fixed, in the order their events arrived', async () => {
    receiver.script([], OK);
    const before = receiver.requests.length;

    const started = await recover({ since });
    expect(started.status).toBe(202);
    expect(started.data).toMatchObject({
      webhookId,
      since,
      statuses: ['failed', 'expired', 'dropped', 'discarded'],
      state: 'running',
      resent: 0,
      skipped: 0,
      finishedAt: null,
    });
    expect(Date.parse(started.data.until)).toBeGreaterThan(Date.parse(since));

    const done = await ended(started.data.id as string);
    expect(done).toMatchObject({ state: 'completed', matched: 6, resent: 6, skipped: 0, succeeded: 6 });
    expect(done.finishedAt).toEqual(expect.any(String));
    expect(done.error).toBeUndefined();

    // One request per delivery, in the events' order, each with the delivery's own webhook-id.
    const resent = receiver.requests.slice(before);
    expect(resent.map((request) => (JSON.parse(request.body) as { id: string }).id)).toEqual(order);
    expect(resent.map((request) => request.headers['webhook-id'])).toEqual(order.map((id) => deliveryOf.get(id)));
    for (const id of order) {
      const delivery = (await herald.deliveries.get(ws, deliveryOf.get(id)!)).data;
      expect({ id, status: delivery.status, attempts: delivery.attempts.length }).toEqual({
        id,
        status: 'succeeded',
        attempts: ['evt-4', 'evt-5'].includes(id) ? 1 : 2,
      });
    }
  });

  it('lists the webhook’s recoveries newest first; a recovery with nothing to resend completes with zero', async () => {
    const second = await recover({ since, statuses: ['failed'] });
    expect(second.status).toBe(202);
    expect(await ended(second.data.id as string)).toMatchObject({ state: 'completed', matched: 0, resent: 0, statuses: ['failed'] });
    const listed = await call('GET', `/webhooks/${webhookId}/recoveries`);
    expect(listed.status).toBe(200);
    expect(listed.data).toHaveLength(2);
    expect(listed.data[0].id).toBe(second.data.id);
    expect(listed.data[1]).toMatchObject({ state: 'completed', resent: 6 });
    const paged = await call('GET', `/webhooks/${webhookId}/recoveries?limit=1`);
    expect(paged.body.nextCursor).toBe(second.data.id);
    expect((await call('GET', `/webhooks/${webhookId}/recoveries?limit=1&cursor=${paged.body.nextCursor as string}`)).data[0].resent).toBe(6);
  });
});

describe('GET /webhooks/{id}/stats', () => {
  it('counts the attempts of the last hour: four failed first attempts, six successful resends', async () => {
    const answer = await call('GET', `/webhooks/${webhookId}/stats`);
    expect(answer.status).toBe(200);
    const stats = answer.data;
    expect(stats).toMatchObject({ window: 'hour', total: 10, succeeded: 6, failed: 4, successRate: 0.6, truncated: false });
    expect(stats.p50Ms).toEqual(expect.any(Number));
    expect(stats.p95Ms).toBeGreaterThanOrEqual(stats.p50Ms);
    expect(stats.buckets).toHaveLength(12);
    const bucketed = (stats.buckets as Array<{ succeeded: number; failed: number }>).reduce((sum, b) => sum + b.succeeded + b.failed, 0);
    expect(bucketed).toBe(10);
    expect(Date.parse(stats.since)).toBeLessThanOrEqual(Date.now() - 55 * 60_000);
  });

  it('has a day window of hourly buckets, and refuses an unknown window naming it', async () => {
    const day = await call('GET', `/webhooks/${webhookId}/stats?window=day`);
    expect(day.data).toMatchObject({ window: 'day', total: 10 });
    expect(day.data.buckets).toHaveLength(24);
    const bad = await call('GET', `/webhooks/${webhookId}/stats?window=week`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/window/);
    expect((await call('GET', '/webhooks/wh_unknown/stats')).status).toBe(404);
  });
});

describe('delivery reads', () => {
  it('shows a delivery’s request as sent, with every secret masked; the list stays lean', async () => {
    const id = deliveryOf.get('evt-1')!;
    const answer = await herald.request('GET', deliveryPath(ws.id, id), undefined, ws.key);
    expect(answer.status).toBe(200);
    const { request } = answer.data;
    const sent = receiver.requests.filter((r) => r.headers['webhook-id'] === id).at(-1)!;
    expect(request).toMatchObject({ method: 'POST', url: `${receiver.url}/hooks`, body: sent.body });
    expect(request.headers).toMatchObject({
      'webhook-id': id,
      'webhook-event-type': STATUS,
      'webhook-timestamp': sent.headers['webhook-timestamp'],
      'webhook-signature': '••••',
      Authorization: '••••',
      'X-Custom': '••••',
    });
    for (const secret of [SECRETS.password, SECRETS.header, sent.headers['webhook-signature'] as string, sent.headers.authorization as string]) {
      expect(answer.text).not.toContain(secret);
    }
    const listed = await herald.deliveries.list(ws, { webhookId });
    expect(listed.data.every((delivery: Record<string, unknown>) => !('request' in delivery))).toBe(true);
  });

  it('filters the list by event type and creation time, combined with the other filters', async () => {
    const ids = async (params: Record<string, string>) => ((await herald.deliveries.list(ws, params)).data as Array<{ eventId: string }>).map((d) => d.eventId);
    expect(await ids({ eventType: PAID })).toEqual(['evt-6']);
    expect(await ids({ eventType: STATUS, webhookId })).toEqual(['evt-1', 'evt-2', 'evt-3', 'evt-4', 'evt-5']);
    expect(await ids({ since: receivedAt.get('evt-4')! })).toEqual(['evt-4', 'evt-5', 'evt-6']);
    expect(await ids({ since: receivedAt.get('evt-2')!, until: receivedAt.get('evt-4')! })).toEqual(['evt-2', 'evt-3']);
    expect(await ids({ since: receivedAt.get('evt-2')!, eventType: PAID, status: 'succeeded' })).toEqual(['evt-6']);
    for (const [name, value] of [
      ['since', 'yesterday'],
      ['until', '2026-13-01T00:00:00Z'],
      ['eventType', ''],
    ]) {
      const bad = await herald.deliveries.list(ws, { [name]: value });
      expect({ name, status: bad.status }).toEqual({ name, status: 400 });
      expect(bad.body.error.message).toContain(name);
    }
  });

  it('shows an event with its payload as received and its deliveries', async () => {
    const answer = await call('GET', '/events/evt-1');
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({
      id: 'evt-1',
      type: STATUS,
      receivedAt: receivedAt.get('evt-1'),
      data: JSON.stringify({ eventId: 'evt-1', n: 1 }),
      deliveries: [{ id: deliveryOf.get('evt-1'), webhookId, status: 'succeeded', attempts: 2 }],
    });
    expect((await call('GET', '/events/evt-unknown')).status).toBe(404);
  });
});

describe('one recovery per webhook at a time', () => {
  it('answers 409 while one runs, and does not let a record whose workflow closed block the next', async () => {
    // A workspace and webhook of their own, whose one delivery failed; its receiver now answers slowly.
    const [own, slow] = await Promise.all([herald.workspace([PAID]), startReceiver()]);
    const ownCall = (method: string, path: string, body?: unknown) => herald.request(method, `/workspaces/${own.id}${path}`, body, own.key);
    try {
      slow.script([], DOWN);
      const hookId = await herald.webhooks.add(own, { url: slow.url, events: [PAID], retryPolicy: { preset: 'fixed', maxRetries: 0 } });
      const from = new Date(Date.now() - 1000).toISOString();
      const { deliveries } = await herald.events.send(own, { id: 'evt-slow', type: PAID, data: {} });
      await herald.deliveries.waitFor(own, deliveries.find((d) => d.webhookId === hookId)!.id, ['failed']);
      slow.script([], { status: 200, body: 'ok', delayMs: 3000 });

      // A record that says running, but whose workflow never ran (terminated by hand, say).
      const stale = `rcv_stale_${Date.now()}`;
      await stack.store.recoveries.createOnce(
        newRecovery({ recoveryId: stale, workspaceId: own.id, webhookId: hookId, sinceMs: 0, untilMs: 1, statuses: ['failed'], createdAtMs: Date.now() }),
      );
      const first = await ownCall('POST', `/webhooks/${hookId}/recover`, { since: from });
      expect(first.status).toBe(202);
      expect((await ownCall('GET', `/recoveries/${stale}`)).data).toMatchObject({ state: 'failed', error: expect.stringMatching(/closed/) });

      const second = await ownCall('POST', `/webhooks/${hookId}/recover`, { since: from });
      expect({ status: second.status, code: second.body.error?.code }).toEqual({ status: 409, code: 'conflict' });
      expect(second.body.error.message).toContain(first.data.id);
      expect(await ended(first.data.id as string, own)).toMatchObject({ state: 'completed', matched: 1, resent: 1, succeeded: 1 });
    } finally {
      await slow.close();
    }
  });
});
