// Endpoint health through the REST API: a failing endpoint is switched off with a signed
// notification, its events are buffered (dropped once the window closes) and replayed in their
// original order on activation; 410 Gone switches it off at once; a healthy stream costs its
// health workflow nothing; and a replay survives its worker being SIGKILLed.
import { Webhook } from 'standardwebhooks';
import { healthWorkflowId, notificationEndpointId } from '../../src/core/ids';
import { eventually } from '../support/eventually';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver';
import { api, createWebhook, createWorkspace, deliveryPath, postEvent, startHerald, type HeraldStack, type TestWorkspace } from '../support/stack';
import { startHeraldWithWorkerProcesses, type ProcessWorkerStack } from '../support/workerProcess';

const EVENT = 'order.created';
const FAST_RETRIES = { preset: 'fixed', intervalSeconds: 1 };

/** The waits of this file: up to 30 s, tried every 150 ms. */
const WAIT = { timeoutMs: 30_000, intervalMs: 150 };

/** The REST helpers of test/support/stack.ts read only the stack's baseUrl, which both stacks have. */
const restOf = (stack: ProcessWorkerStack): HeraldStack => stack as unknown as HeraldStack;
const getWebhook = async (stack: HeraldStack, ws: TestWorkspace, id: string) =>
  (await api(stack, 'GET', `/workspaces/${ws.id}/webhooks/${id}`, undefined, ws.key)).body.data;
const getDelivery = async (stack: HeraldStack, ws: TestWorkspace, id: string) =>
  (await api(stack, 'GET', deliveryPath(ws.id, id), undefined, ws.key)).body.data;
const listDeliveries = async (stack: HeraldStack, ws: TestWorkspace, query: Record<string, string>) =>
  (await api(stack, 'GET', `/workspaces/${ws.id}/deliveries?${new URLSearchParams({ limit: '200', ...query }).toString()}`, undefined, ws.key)).body
    .data as Array<{
    id: string;
    eventId: string;
    status: string;
    attempts: Array<{ statusCode?: number }>;
  }>;
const notificationsOf = async (stack: HeraldStack, ws: TestWorkspace, webhookId: string) =>
  ((await api(stack, 'GET', `/workspaces/${ws.id}/notifications?limit=200`, undefined, ws.key)).body.data as Array<Record<string, string>>).filter(
    (notification) => notification.webhookId === webhookId,
  );
const action = (stack: HeraldStack, ws: TestWorkspace, id: string, verb: 'activate' | 'deactivate', body?: unknown) =>
  api(stack, 'POST', `/workspaces/${ws.id}/webhooks/${id}/${verb}`, body, ws.key);

/** The webhook as GET shows it once it is switched off. */
const switchedOff = (stack: HeraldStack, ws: TestWorkspace, webhookId: string) =>
  eventually(
    async () => {
      const webhook = await getWebhook(stack, ws, webhookId);
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
async function postInOrder(stack: HeraldStack, ws: TestWorkspace, prefix: string, count: number, expectedStatus: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    const id = `${prefix}-${String(i).padStart(2, '0')}`;
    const { deliveries } = await postEvent(stack, ws, { id, type: EVENT, data: { n: i } });
    expect(deliveries.map((delivery) => delivery.status)).toEqual([expectedStatus]);
    ids.push(id);
  }
  return ids;
}

describe('endpoint health through the REST API', () => {
  let stack: HeraldStack;
  let notifications: Receiver;
  const receivers: Receiver[] = [];
  const receiver = async () => {
    const started = await startReceiver();
    receivers.push(started);
    return started;
  };

  /** A workspace of its own per case (its events reach no other case's webhook), notified at `notifications`. */
  async function notifiedWorkspace(): Promise<{ ws: TestWorkspace; notificationSecret: string }> {
    const ws = await createWorkspace(stack, [EVENT]);
    const settings = await api(stack, 'PATCH', `/workspaces/${ws.id}`, { notificationUrl: notifications.url });
    expect(settings.status).toBe(200);
    // Generated when the URL is first set, and shown this once.
    const notificationSecret = settings.body.data.settings.notificationSecret as string;
    expect(notificationSecret).toMatch(/^whsec_/);
    return { ws, notificationSecret };
  }

  beforeAll(async () => {
    stack = await startHerald();
    notifications = await receiver();
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await stack?.stop();
  });

  describe('a failing endpoint, switched off and replayed', () => {
    let ws: TestWorkspace;
    let down: Receiver;
    let webhookId: string;
    const posted: string[] = [];

    it('is deactivated after the streak, notifies the workspace with a signed notification, and buffers the retries that were waiting', async () => {
      const { ws: workspace, notificationSecret } = await notifiedWorkspace();
      ws = workspace;
      down = await receiver();
      down.script([], { status: 503, body: 'down' });
      webhookId = await createWebhook(stack, ws, {
        url: down.url,
        events: [EVENT],
        retryPolicy: FAST_RETRIES,
        deactivation: { consecutiveFailures: 3, minFailingSeconds: 0 },
      });
      posted.push(...(await postInOrder(stack, ws, 'evt-down', 2, 'pending')));

      const off = await switchedOff(stack, ws, webhookId);
      // The streak that crossed the threshold: 3, or one more if the other delivery's retry failed alongside.
      expect(off.deactivationReason).toMatch(/^\d+ consecutive failed attempts/);
      expect(Number(/^(\d+)/.exec(off.deactivationReason)![1])).toBeGreaterThanOrEqual(3);
      expect(Date.parse(off.bufferUntil)).toBeGreaterThan(Date.parse(off.deactivatedAt));
      expect(down.requests.length).toBeGreaterThanOrEqual(3);

      // One notification, naming the call that switches the webhook back on.
      const activationPath = `/v1/workspaces/${ws.id}/webhooks/${webhookId}/activate`;
      const [notification, ...more] = await eventually(
        async () => {
          const listed = await notificationsOf(stack, ws, webhookId);
          expect(listed.length).toBeGreaterThanOrEqual(1);
          return listed;
        },
        { ...WAIT, what: 'the deactivation notification' },
      );
      expect(more).toEqual([]);
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
      const buffered = await eventually(
        async () => {
          const listed = await listDeliveries(stack, ws, { webhookId, status: 'buffered' });
          expect(listed.map((delivery) => delivery.eventId)).toEqual(posted);
          return listed;
        },
        { ...WAIT, what: 'both deliveries to be buffered' },
      );
      for (const delivery of buffered) {
        expect(delivery.attempts.length).toBeGreaterThanOrEqual(1);
        expect(delivery.attempts.every((attempt) => attempt.statusCode === 503)).toBe(true);
      }
    });

    it('the notification is a Herald delivery of its own, inspectable through GET /deliveries/{id}', async () => {
      const [notification] = await notificationsOf(stack, ws, webhookId);
      const endpointId = notificationEndpointId(ws.id);
      await eventually(
        async () => {
          const listed = await listDeliveries(stack, ws, { webhookId: endpointId, status: 'succeeded' });
          expect(listed.map((delivery) => delivery.id)).toContain(notification.deliveryId);
          return true;
        },
        { ...WAIT, what: 'the notification delivery to succeed' },
      );
      const one = await api(stack, 'GET', deliveryPath(ws.id, notification.deliveryId), undefined, ws.key);
      expect([one.status, one.status === 200 ? '' : one.text]).toEqual([200, '']);
      expect(one.body.data).toMatchObject({ id: notification.deliveryId, webhookId: endpointId, eventType: 'webhook.deactivated', status: 'succeeded' });
    });

    it('buffers new events while off and replays the buffer in order, once each, before events that arrive during the replay', async () => {
      const whileOff = await postInOrder(stack, ws, 'evt-off', 6, 'buffered');
      posted.push(...whileOff);
      const listed = await listDeliveries(stack, ws, { webhookId, status: 'buffered' });
      expect(listed.map((delivery) => delivery.eventId)).toEqual(posted);
      expect((await getWebhook(stack, ws, webhookId)).bufferedDeliveries).toBe(posted.length);

      // Up again; each answer takes a moment so the replay is seen under way.
      down.script([], { status: 200, body: 'ok', delayMs: 150 });
      const from = down.requests.length;
      const on = await action(stack, ws, webhookId, 'activate', { replayEvents: true });
      // The answer comes before the replay is done: it runs in the webhook's health workflow.
      const receivedByAnswer = down.requests.length - from;
      expect(on.status).toBe(200);
      expect(on.body.data).toMatchObject({ active: true, replay: { total: posted.length, done: expect.any(Number) } });
      expect(receivedByAnswer).toBeLessThan(posted.length);

      // Events arriving during the replay wait behind the buffer.
      const during = await postInOrder(stack, ws, 'evt-during', 2, 'buffered');
      const progress = (await getWebhook(stack, ws, webhookId)).replay;
      expect(progress).toMatchObject({ done: expect.any(Number), startedAt: expect.any(String) });
      expect(progress.total).toBeGreaterThanOrEqual(posted.length);

      const done = await eventually(
        async () => {
          const webhook = await getWebhook(stack, ws, webhookId);
          expect(webhook.replay).toBeUndefined();
          return webhook;
        },
        { ...WAIT, what: 'the replay to end' },
      );
      expect(done).toMatchObject({ active: true, bufferedDeliveries: 0 });
      expect(done.bufferUntil).toBeUndefined();
      // After the replay, events go straight to the endpoint.
      const after = await postInOrder(stack, ws, 'evt-after', 1, 'pending');

      const expected = [...posted, ...during, ...after];
      await eventually(
        async () => {
          const succeeded = await listDeliveries(stack, ws, { webhookId, status: 'succeeded' });
          expect(succeeded).toHaveLength(expected.length);
          return true;
        },
        { ...WAIT, what: 'every delivery to succeed' },
      );
      const received = down.requests.slice(from);
      expect(received.map(eventOf)).toEqual(expected);
      expect([...countByWebhookId(received).values()].every((count) => count === 1)).toBe(true);

      const reactivated = (await notificationsOf(stack, ws, webhookId)).filter((n) => n.type === 'webhook.reactivated');
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
    const webhookId = await createWebhook(stack, ws, { url: gone.url, events: [EVENT], retryPolicy: FAST_RETRIES });
    const [deliveryId] = (await postEvent(stack, ws, { type: EVENT })).deliveries.map((delivery) => delivery.id);

    const off = await switchedOff(stack, ws, webhookId);
    expect(off.deactivationReason).toBe('the endpoint answered 410 Gone');
    // Its retry, due a second later, found the webhook off: one attempt in all.
    const delivery = await eventually(
      async () => {
        const found = await getDelivery(stack, ws, deliveryId);
        expect(found.status).toBe('buffered');
        return found;
      },
      { ...WAIT, what: 'the delivery to be buffered' },
    );
    expect(delivery.attempts.map((attempt: { statusCode: number }) => attempt.statusCode)).toEqual([410]);
    expect(gone.requests).toHaveLength(1);
    expect(await notificationsOf(stack, ws, webhookId)).toEqual([expect.objectContaining({ type: 'webhook.deactivated' })]);
  });

  it('records events as dropped once the buffer window has closed', async () => {
    const { ws } = await notifiedWorkspace();
    const idle = await receiver();
    const webhookId = await createWebhook(stack, ws, { url: idle.url, events: [EVENT], deactivation: { bufferSeconds: 2 } });
    const off = await action(stack, ws, webhookId, 'deactivate');
    expect(off.body.data).toMatchObject({ active: false, deactivationReason: 'deactivated manually', bufferUntil: expect.any(String) });
    const bufferUntil = Date.parse(off.body.data.bufferUntil);
    expect(bufferUntil - Date.parse(off.body.data.deactivatedAt)).toBe(2000);

    const [inWindow] = await postInOrder(stack, ws, 'evt-window', 1, 'buffered');
    await eventually(() => Date.now() > bufferUntil, { timeoutMs: 10_000, intervalMs: 150, what: 'the buffer window to close' });
    const [late] = await postInOrder(stack, ws, 'evt-late', 1, 'dropped');

    expect((await listDeliveries(stack, ws, { webhookId, status: 'buffered' })).map((d) => d.eventId)).toEqual([inWindow]);
    expect((await listDeliveries(stack, ws, { webhookId, status: 'dropped' })).map((d) => d.eventId)).toEqual([late]);
    expect((await getWebhook(stack, ws, webhookId)).bufferedDeliveries).toBe(1);
    expect(idle.requests).toHaveLength(0);
  });

  it('a stream of successes sends the health workflow nothing and keeps no failure streak', async () => {
    const { ws } = await notifiedWorkspace();
    const healthy = await receiver();
    const webhookId = await createWebhook(stack, ws, { url: healthy.url, events: [EVENT], deactivation: { consecutiveFailures: 1, minFailingSeconds: 0 } });
    await postInOrder(stack, ws, 'evt-ok', 30, 'pending');
    await eventually(
      async () => {
        expect(await listDeliveries(stack, ws, { webhookId, status: 'succeeded' })).toHaveLength(30);
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
  let stack: HeraldStack;
  let receiver: Receiver;

  beforeAll(async () => {
    [processes, receiver] = await Promise.all([startHeraldWithWorkerProcesses(), startReceiver()]);
    stack = restOf(processes);
  });
  afterAll(async () => {
    await receiver?.close();
    await processes?.stop();
  });

  it('resumes on a new worker: nothing lost, nothing out of order, at most the attempt in flight twice', async () => {
    const first = await processes.startWorker();
    const ws = await createWorkspace(stack, [EVENT]);
    receiver.script([], { status: 200, body: 'ok', delayMs: 150 });
    const webhookId = await createWebhook(stack, ws, { url: receiver.url, events: [EVENT] });
    expect((await action(stack, ws, webhookId, 'deactivate')).body.data.active).toBe(false);
    const buffered = await postInOrder(stack, ws, 'evt-buf', 40, 'buffered');

    const on = await action(stack, ws, webhookId, 'activate', { replayEvents: true, replayConcurrency: 1 });
    expect(on.body.data).toMatchObject({ active: true, replay: { total: 40 } });

    // Killed while the receiver holds the answer to the 13th replayed request.
    await receiver.waitFor(13);
    const receivedAtKill = receiver.requests.length;
    process.kill(first.pid!, 'SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // The attempt in flight: the request the receiver was holding, or one already on the wire.
    const inFlight = [receivedAtKill - 1, receivedAtKill];

    // While no worker runs, new events still join the buffer behind the replay.
    const during = await postInOrder(stack, ws, 'evt-during', 2, 'buffered');
    await processes.startWorker();

    const expected = [...buffered, ...during];
    await eventually(
      async () => {
        const succeeded = await listDeliveries(stack, ws, { webhookId, status: 'succeeded' });
        expect(succeeded).toHaveLength(expected.length);
        return true;
      },
      { ...WAIT, timeoutMs: 60_000, what: 'every delivery to succeed' },
    );
    const done = await eventually(
      async () => {
        const webhook = await getWebhook(stack, ws, webhookId);
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
