// Endpoint health through the REST API: a failing endpoint is switched off with a signed
// notification, its events are buffered (dropped once the window closes) and replayed in their
// original order on activation; 410 Gone switches it off at once; a healthy stream costs its
// health workflow nothing; and a replay survives its worker being SIGKILLed.
import { Webhook } from 'standardwebhooks';
import { healthWorkflowId, notificationEndpointId } from '../../src/core/ids';
import { eventually, eventuallyValue } from '../support/eventually';
import type { Herald, TestWorkspace } from '../support/client';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver';
import { startHerald, type HeraldStack } from '../support/stack';
import { startHeraldWithWorkerProcesses, type ProcessWorkerStack } from '../support/workerProcess';

const EVENT = 'order.created';
const FAST_RETRIES = { preset: 'fixed', intervalSeconds: 1 };

/** The waits of this file: up to 30 s, tried every 150 ms. */
const WAIT = { timeoutMs: 30_000, intervalMs: 150 };

/** A delivery as GET /deliveries lists it. */
interface Listed {
  id: string;
  eventId: string;
  status: string;
  attempts: Array<{ statusCode?: number }>;
}
/** One webhook's deliveries in one status, oldest first. */
const deliveriesOf = async (herald: Herald, ws: TestWorkspace, webhookId: string, status: string) =>
  (await herald.deliveries.list(ws, { webhookId, status, limit: 200 })).data as Listed[];
/** The workspace's notifications about one webhook. */
const notificationsOf = async (herald: Herald, ws: TestWorkspace, webhookId: string) =>
  ((await herald.notifications.list(ws, { limit: 200 })).data as Array<Record<string, string>>).filter((notification) => notification.webhookId === webhookId);

/** The webhook as GET shows it once it is switched off. */
const switchedOff = (herald: Herald, ws: TestWorkspace, webhookId: string) =>
  eventually(
    async () => {
      const webhook = (await herald.webhooks.get(ws, webhookId)).data;
      expect(webhook.active).toBe(false);
      return webhook;
    },
    { ...WAIT, what: 'the webhook to be switched off' },
  );
/** The event id of a request the receiver got (the envelope's `id`). */
const eventOf = (request: ReceivedRequest) => (JSON.parse(request.body) as { id: string }).id;
/** Requests per `webhook-id` (one delivery each). */
function countByWebhookId(requests: ReceivedRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests) counts.set(String(request.headers['webhook-id']), (counts.get(String(request.headers['webhook-id'])) ?? 0) + 1);
  return counts;
}
/** Posts events one after the other (their order is the buffer's order); their ids. */
async function postInOrder(herald: Herald, ws: TestWorkspace, prefix: string, count: number, expectedStatus: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    const id = `${prefix}-${String(i).padStart(2, '0')}`;
    const { deliveries } = await herald.events.send(ws, { id, type: EVENT, data: { n: i } });
    expect(deliveries.map((delivery) => delivery.status)).toEqual([expectedStatus]);
    ids.push(id);
  }
  return ids;
}

describe('endpoint health through the REST API', () => {
  let stack: HeraldStack;
  let herald: Herald;
  let notifications: Receiver;
  const receivers: Receiver[] = [];
  const receiver = async () => {
    const started = await startReceiver();
    receivers.push(started);
    return started;
  };

  /** A workspace of its own per case (its events reach no other case's webhook), notified at `notifications`. */
  async function notifiedWorkspace(): Promise<{ ws: TestWorkspace; notificationSecret: string }> {
    const ws = await herald.workspace([EVENT]);
    const settings = await herald.workspaces.update(ws.id, { notificationUrl: notifications.url });
    expect(settings.status).toBe(200);
    // Generated when the URL is first set, and shown this once.
    const notificationSecret = settings.data.settings.notificationSecret as string;
    expect(notificationSecret).toMatch(/^whsec_/);
    return { ws, notificationSecret };
  }

  /**
   * An endpoint that answers 503, switched off by its failure streak, with the two events posted
   * before that buffered: the retry each had waiting found the webhook off. Each case gets its own.
   */
  async function failingEndpoint() {
    const { ws, notificationSecret } = await notifiedWorkspace();
    const down = await receiver();
    down.script([], { status: 503, body: 'down' });
    const webhookId = await herald.webhooks.add(ws, {
      url: down.url,
      events: [EVENT],
      retryPolicy: FAST_RETRIES,
      deactivation: { consecutiveFailures: 3, minFailingSeconds: 0 },
    });
    const posted = await postInOrder(herald, ws, 'evt-down', 2, 'pending');
    const off = await switchedOff(herald, ws, webhookId);
    await eventuallyValue(
      () => deliveriesOf(herald, ws, webhookId, 'buffered'),
      (buffered) => buffered.length === posted.length,
      { ...WAIT, what: 'both deliveries to be buffered' },
    );
    return { ws, notificationSecret, down, webhookId, posted, off };
  }

  /** The workspace's one notification about the webhook, once it is listed. */
  const deactivationNotice = async (ws: TestWorkspace, webhookId: string) => {
    const [notification, ...more] = await eventuallyValue(
      () => notificationsOf(herald, ws, webhookId),
      (listed) => listed.length >= 1,
      { ...WAIT, what: 'the deactivation notification' },
    );
    expect(more).toEqual([]);
    return notification;
  };

  beforeAll(async () => {
    stack = await startHerald();
    herald = stack.herald;
    notifications = await receiver();
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await stack?.stop();
  });

  describe('a failing endpoint, switched off and replayed', () => {
    it('is deactivated after the streak, notifies the workspace with a signed notification, and buffers the retries that were waiting', async () => {
      const { ws, notificationSecret, down, webhookId, posted, off } = await failingEndpoint();
      // The streak that crossed the threshold: 3, or one more if the other delivery's retry failed alongside.
      expect(off.deactivationReason).toMatch(/^\d+ consecutive failed attempts/);
      expect(Number(/^(\d+)/.exec(off.deactivationReason)![1])).toBeGreaterThanOrEqual(3);
      expect(Date.parse(off.bufferUntil)).toBeGreaterThan(Date.parse(off.deactivatedAt));
      expect(down.requests.length).toBeGreaterThanOrEqual(3);

      // One notification, naming the call that switches the webhook back on.
      const activationPath = `/v1/workspaces/${ws.id}/webhooks/${webhookId}/activate`;
      const notification = await deactivationNotice(ws, webhookId);
      expect(notification).toMatchObject({ type: 'webhook.deactivated', activationPath, message: expect.stringContaining(activationPath) });
      expect(notification.deliveryId).toEqual(expect.any(String));

      // Delivered to the workspace's notification URL, signed with the secret shown once.
      const sent = await eventually(
        async () => {
          const found = notifications.requests.find((request) => JSON.parse(request.body).data?.webhookId === webhookId);
          expect(found).toBeDefined();
          return found!;
        },
        { ...WAIT, what: 'the notification to reach the notification URL' },
      );
      const headers = {
        'webhook-id': String(sent.headers['webhook-id']),
        'webhook-timestamp': String(sent.headers['webhook-timestamp']),
        'webhook-signature': String(sent.headers['webhook-signature']),
      };
      expect(new Webhook(notificationSecret).verify(sent.body, headers)).toMatchObject({
        action: 'webhook.deactivated',
        data: { type: 'webhook.deactivated', webhookId, activationPath },
      });
      expect(() => new Webhook(notificationSecret).verify(sent.body.replace(webhookId, 'wh_other'), headers)).toThrow();
      expect(headers['webhook-id']).toBe(notification.deliveryId);

      // Both deliveries had a retry waiting; it found the webhook off and joined the buffer.
      const buffered = await deliveriesOf(herald, ws, webhookId, 'buffered');
      expect(buffered.map((delivery) => delivery.eventId)).toEqual(posted);
      for (const delivery of buffered) {
        expect(delivery.attempts.length).toBeGreaterThanOrEqual(1);
        expect(delivery.attempts.every((attempt) => attempt.statusCode === 503)).toBe(true);
      }
    });

    it('the notification is a Herald delivery of its own, inspectable through GET /deliveries/{id}', async () => {
      const { ws, webhookId } = await failingEndpoint();
      const notification = await deactivationNotice(ws, webhookId);
      const endpointId = notificationEndpointId(ws.id);
      await eventually(
        async () => {
          const listed = await deliveriesOf(herald, ws, endpointId, 'succeeded');
          expect(listed.map((delivery) => delivery.id)).toContain(notification.deliveryId);
          return true;
        },
        { ...WAIT, what: 'the notification delivery to succeed' },
      );
      const one = await herald.deliveries.get(ws, notification.deliveryId);
      expect([one.status, one.status === 200 ? '' : one.text]).toEqual([200, '']);
      expect(one.data).toMatchObject({ id: notification.deliveryId, webhookId: endpointId, eventType: 'webhook.deactivated', status: 'succeeded' });
    });

    it('buffers new events while off and replays the buffer in order, once each, before events that arrive during the replay', async () => {
      const { ws, down, webhookId, posted } = await failingEndpoint();
      const whileOff = await postInOrder(herald, ws, 'evt-off', 6, 'buffered');
      posted.push(...whileOff);
      const listed = await deliveriesOf(herald, ws, webhookId, 'buffered');
      expect(listed.map((delivery) => delivery.eventId)).toEqual(posted);
      expect((await herald.webhooks.get(ws, webhookId)).data.bufferedDeliveries).toBe(posted.length);

      // Up again; each answer takes a moment so the replay is seen under way.
      down.script([], { status: 200, body: 'ok', delayMs: 150 });
      const from = down.requests.length;
      const on = await herald.webhooks.activate(ws, webhookId, { replayEvents: true });
      // The answer comes before the replay is done: it runs in the webhook's health workflow.
      const receivedByAnswer = down.requests.length - from;
      expect(on.status).toBe(200);
      expect(on.data).toMatchObject({ active: true, replay: { total: posted.length, done: expect.any(Number) } });
      expect(receivedByAnswer).toBeLessThan(posted.length);

      // Events arriving during the replay wait behind the buffer.
      const during = await postInOrder(herald, ws, 'evt-during', 2, 'buffered');
      const progress = (await herald.webhooks.get(ws, webhookId)).data.replay;
      expect(progress).toMatchObject({ done: expect.any(Number), startedAt: expect.any(String) });
      expect(progress.total).toBeGreaterThanOrEqual(posted.length);

      const done = await eventually(
        async () => {
          const webhook = (await herald.webhooks.get(ws, webhookId)).data;
          expect(webhook.replay).toBeUndefined();
          return webhook;
        },
        { ...WAIT, what: 'the replay to end' },
      );
      expect(done).toMatchObject({ active: true, bufferedDeliveries: 0 });
      expect(done.bufferUntil).toBeUndefined();
      // After the replay, events go straight to the endpoint.
      const after = await postInOrder(herald, ws, 'evt-after', 1, 'pending');

      const expected = [...posted, ...during, ...after];
      await eventually(
        async () => {
          const succeeded = await deliveriesOf(herald, ws, webhookId, 'succeeded');
          expect(succeeded).toHaveLength(expected.length);
          return true;
        },
        { ...WAIT, what: 'every delivery to succeed' },
      );
      const received = down.requests.slice(from);
      expect(received.map(eventOf)).toEqual(expected);
      expect([...countByWebhookId(received).values()].every((count) => count === 1)).toBe(true);

      const reactivated = (await notificationsOf(herald, ws, webhookId)).filter((n) => n.type === 'webhook.reactivated');
      expect(reactivated).toHaveLength(1);
      expect(reactivated[0].message).toContain('reactivated with replay');
      await eventually(
        () => {
          expect(notifications.requests.map((request) => JSON.parse(request.body).data)).toContainEqual(
            expect.objectContaining({ type: 'webhook.reactivated', webhookId }),
          );
          return true;
        },
        { ...WAIT, what: 'the reactivation notification to reach the notification URL' },
      );
    });
  });

  it('410 Gone switches the endpoint off after one attempt, whatever the thresholds', async () => {
    const { ws } = await notifiedWorkspace();
    const gone = await receiver();
    gone.script([], { status: 410, body: 'gone' });
    const webhookId = await herald.webhooks.add(ws, { url: gone.url, events: [EVENT], retryPolicy: FAST_RETRIES });
    const [deliveryId] = (await herald.events.send(ws, { type: EVENT })).deliveries.map((delivery) => delivery.id);

    const off = await switchedOff(herald, ws, webhookId);
    expect(off.deactivationReason).toBe('the endpoint answered 410 Gone');
    // Its retry, due a second later, found the webhook off: one attempt in all.
    const delivery = await eventually(
      async () => {
        const found = (await herald.deliveries.get(ws, deliveryId)).data;
        expect(found.status).toBe('buffered');
        return found;
      },
      { ...WAIT, what: 'the delivery to be buffered' },
    );
    expect(delivery.attempts.map((attempt: { statusCode: number }) => attempt.statusCode)).toEqual([410]);
    expect(gone.requests).toHaveLength(1);
    expect(await notificationsOf(herald, ws, webhookId)).toEqual([expect.objectContaining({ type: 'webhook.deactivated' })]);
  });

  it('records events as dropped once the buffer window has closed', async () => {
    const { ws } = await notifiedWorkspace();
    const idle = await receiver();
    const webhookId = await herald.webhooks.add(ws, { url: idle.url, events: [EVENT], deactivation: { bufferSeconds: 2 } });
    const off = await herald.webhooks.deactivate(ws, webhookId);
    expect(off.data).toMatchObject({ active: false, deactivationReason: 'deactivated manually', bufferUntil: expect.any(String) });
    const bufferUntil = Date.parse(off.data.bufferUntil);
    expect(bufferUntil - Date.parse(off.data.deactivatedAt)).toBe(2000);

    const [inWindow] = await postInOrder(herald, ws, 'evt-window', 1, 'buffered');
    await eventually(() => Date.now() > bufferUntil, { timeoutMs: 10_000, intervalMs: 150, what: 'the buffer window to close' });
    const [late] = await postInOrder(herald, ws, 'evt-late', 1, 'dropped');

    expect((await deliveriesOf(herald, ws, webhookId, 'buffered')).map((d) => d.eventId)).toEqual([inWindow]);
    expect((await deliveriesOf(herald, ws, webhookId, 'dropped')).map((d) => d.eventId)).toEqual([late]);
    expect((await herald.webhooks.get(ws, webhookId)).data.bufferedDeliveries).toBe(1);
    expect(idle.requests).toHaveLength(0);
  });

  it('GET shows a failure streak in progress, and a success ends it', async () => {
    const ws = await herald.workspace([EVENT]);
    const flaky = await receiver();
    flaky.script([], { status: 503, body: 'down' });
    const webhookId = await herald.webhooks.add(ws, { url: flaky.url, events: [EVENT], retryPolicy: { preset: 'fixed', intervalSeconds: 1, maxRetries: 10 } });
    const before = Date.now();
    await herald.events.send(ws, { type: EVENT, data: {} });
    const failing = await eventuallyValue(
      async () => (await herald.webhooks.get(ws, webhookId)).data,
      (webhook) => (webhook.failureStreak?.count ?? 0) >= 2,
      { ...WAIT, what: 'a streak of two failures' },
    );
    expect(failing.active).toBe(true);
    expect(Date.parse(failing.failureStreak.since)).toBeGreaterThanOrEqual(before - 1000);
    flaky.script([], { status: 200, body: 'back' });
    await eventuallyValue(
      async () => (await herald.webhooks.get(ws, webhookId)).data,
      (webhook) => webhook.failureStreak === undefined,
      { ...WAIT, what: 'the streak to end with a success' },
    );
  });

  it('a stream of successes sends the health workflow nothing and keeps no failure streak', async () => {
    const { ws } = await notifiedWorkspace();
    const healthy = await receiver();
    const webhookId = await herald.webhooks.add(ws, { url: healthy.url, events: [EVENT], deactivation: { consecutiveFailures: 1, minFailingSeconds: 0 } });
    await postInOrder(herald, ws, 'evt-ok', 30, 'pending');
    await eventually(
      async () => {
        expect(await deliveriesOf(herald, ws, webhookId, 'succeeded')).toHaveLength(30);
        return true;
      },
      { ...WAIT, what: 'all 30 deliveries to succeed' },
    );

    const history = await stack.temporal.client.workflow.getHandle(healthWorkflowId(ws.id, webhookId)).fetchHistory();
    const events = history.events ?? [];
    expect(events.filter((event) => event.workflowExecutionStartedEventAttributes)).toHaveLength(1);
    expect(events.filter((event) => event.workflowExecutionSignaledEventAttributes)).toHaveLength(0);
    expect(events.filter((event) => event.activityTaskScheduledEventAttributes)).toHaveLength(0);
    const record = await stack.store.webhooks.get(ws.id, webhookId);
    expect(record?.failureStreak).toBeUndefined();
    expect(record?.active).toBe(true);
  });
});

describe('a replay whose worker is SIGKILLed mid-way', () => {
  let processes: ProcessWorkerStack;
  let herald: Herald;
  let receiver: Receiver;

  beforeAll(async () => {
    [processes, receiver] = await Promise.all([startHeraldWithWorkerProcesses(), startReceiver()]);
    herald = processes.herald;
  });
  afterAll(async () => {
    await receiver?.close();
    await processes?.stop();
  });

  it('resumes on a new worker: nothing lost, nothing out of order, at most the attempt in flight twice', async () => {
    const first = await processes.startWorker();
    const ws = await herald.workspace([EVENT]);
    receiver.script([], { status: 200, body: 'ok', delayMs: 150 });
    const webhookId = await herald.webhooks.add(ws, { url: receiver.url, events: [EVENT] });
    expect((await herald.webhooks.deactivate(ws, webhookId)).data.active).toBe(false);
    const buffered = await postInOrder(herald, ws, 'evt-buf', 40, 'buffered');

    const on = await herald.webhooks.activate(ws, webhookId, { replayEvents: true, replayConcurrency: 1 });
    expect(on.data).toMatchObject({ active: true, replay: { total: 40 } });

    // Killed while the receiver holds the answer to the 13th replayed request.
    await receiver.waitFor(13);
    const receivedAtKill = receiver.requests.length;
    process.kill(first.pid!, 'SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // The attempt in flight: the request the receiver was holding, or one already on the wire.
    const inFlight = [receivedAtKill - 1, receivedAtKill];

    // While no worker runs, new events still join the buffer behind the replay.
    const during = await postInOrder(herald, ws, 'evt-during', 2, 'buffered');
    await processes.startWorker();

    const expected = [...buffered, ...during];
    await eventually(
      async () => {
        const succeeded = await deliveriesOf(herald, ws, webhookId, 'succeeded');
        expect(succeeded).toHaveLength(expected.length);
        return true;
      },
      { ...WAIT, timeoutMs: 60_000, what: 'every delivery to succeed' },
    );
    const done = await eventually(
      async () => {
        const webhook = (await herald.webhooks.get(ws, webhookId)).data;
        expect(webhook.replay).toBeUndefined();
        return webhook;
      },
      { ...WAIT, what: 'the replay to end' },
    );
    expect(done.bufferedDeliveries).toBe(0);

    const received = receiver.requests.map(eventOf);
    const inFlightDeliveries = inFlight.map((i) => `delivery/${ws.id}/${received[i]}/${webhookId}`);
    // In order: repeats of one event come back to back, and collapsing them gives the posted order.
    expect(received.filter((id, i) => id !== received[i - 1])).toEqual(expected);
    // At-least-once: the attempt in flight at the kill left no record in the workflow's history,
    // so the new worker may send it again. That one, once more at most; every other exactly once.
    const counts = countByWebhookId(receiver.requests);
    expect(counts.size).toBe(expected.length);
    const repeated = [...counts].filter(([, count]) => count > 1);
    expect(repeated.length).toBeLessThanOrEqual(1);
    for (const [deliveryId, count] of repeated) {
      expect(count).toBe(2);
      expect(inFlightDeliveries).toContain(deliveryId);
    }
  });
});
