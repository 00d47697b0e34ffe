// The attempt activity at its webhook's in-flight cap: it holds a place only while its request is
// out, and defers an attempt over the cap without sending it or recording an attempt. The cap's
// counter itself is tested in activities.inFlight.test.ts.
import { createActivities } from '../../activities';
import { FAST_ATTEMPT_MS } from '../../activities/inFlight';
import type { Store } from '../../src/store';
import type { AttemptInput } from '../../workflows/contracts/delivery';

describe('deliverAttempt at the cap', () => {
  /**
   * A store with one active webhook per id and one event per id, and a resolver for the webhooks'
   * host that holds every request until the test answers it: a place is held exactly while a
   * request waits there. Recording an attempt can be held too. Every store call is noted.
   */
  function world() {
    const calls: string[] = [];
    const requests: Array<{ webhookId: string; fail: () => void }> = [];
    const heldRecords: Array<() => void> = [];
    let holdRecords = false;
    const deferredTo: number[] = [];
    const note =
      <T>(name: string, value: T) =>
      async (..._args: unknown[]) => {
        calls.push(name);
        return value;
      };
    const store = {
      webhooks: {
        getEndpoint: async (workspaceId: string, webhookId: string) => {
          calls.push(`webhooks.getEndpoint ${webhookId}`);
          return {
            _id: webhookId,
            workspaceId,
            name: webhookId,
            url: `http://${webhookId}.hooks.test/in`,
            events: ['*'],
            method: 'POST',
            contentType: 'json',
            active: true,
            retryPolicy: {},
          };
        },
        openTarget: (doc: { _id: string; url: string }) => ({ id: doc._id, url: doc.url, method: 'POST', contentType: 'json' }),
        recordFailure: note('webhooks.recordFailure', null),
        resetStreak: note('webhooks.resetStreak', null),
      },
      events: {
        get: async (workspaceId: string, eventId: string) => {
          calls.push(`events.get ${eventId}`);
          return { _id: eventId, workspaceId, eventId, type: 'order.created', family: 'order', data: '{}', receivedAt: new Date() };
        },
      },
      workspaces: { get: note('workspaces.get', null) },
      deliveries: {
        recordAttempt: async (id: string) => {
          calls.push(`deliveries.recordAttempt ${id}`);
          if (holdRecords) await new Promise<void>((resolve) => heldRecords.push(resolve));
          return true;
        },
        setProgress: note('deliveries.setProgress', null),
        deferNextAttempt: async (id: string, at: Date) => {
          calls.push(`deliveries.deferNextAttempt ${id}`);
          deferredTo.push(at.getTime());
        },
      },
    };
    const resolveHost = (hostname: string) =>
      new Promise<never>((_resolve, reject) => requests.push({ webhookId: hostname.split('.')[0], fail: () => reject(new Error('no answer')) }));
    /** Resolves once `n` requests wait at the receiver. */
    const requestsWaiting = async (n: number) => {
      for (let i = 0; i < 200 && requests.length < n; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(requests).toHaveLength(n);
    };
    return {
      store: store as unknown as Store,
      resolveHost,
      calls,
      requests,
      deferredTo,
      requestsWaiting,
      holdRecords: () => (holdRecords = true),
      releaseRecords: () => heldRecords.splice(0).forEach((resolve) => resolve()),
    };
  }

  const attempt = (webhookId: string, n = 1): AttemptInput => ({
    deliveryId: `delivery/ws1/evt_${n}/${webhookId}`,
    workspaceId: 'ws1',
    webhookId,
    eventId: `evt_${n}`,
    attemptNumber: 1,
    timeoutMs: 5000,
    lane: 'priority',
    onFailure: { status: 'pending', lane: 'priority', nextAttemptAt: null },
  });

  it('defers the attempt over the cap (after at most MAX_WAIT_MS in line) without a request or an attempt recorded; another webhook is not held up', async () => {
    const w = world();
    const activities = createActivities({ store: w.store, allowPrivateNetworks: false, resolveHost: w.resolveHost, maxInFlightPerWebhook: 2 });
    const running = [activities.deliverAttempt(attempt('dead', 1)), activities.deliverAttempt(attempt('dead', 2))];
    await w.requestsWaiting(2);

    const before = Date.now();
    const deferred = await activities.deliverAttempt(attempt('dead', 3));
    expect(deferred).toEqual({ outcome: 'deferred', retryInMs: expect.any(Number) });
    expect(w.requests).toHaveLength(2);
    expect(w.calls.filter((call) => call.includes('evt_3'))).toEqual(['events.get evt_3', 'deliveries.deferNextAttempt delivery/ws1/evt_3/dead']);
    // The record shows the latest the deferred attempt may come: the booking or the first wait, with their jitter.
    const { retryInMs } = deferred as { retryInMs: number };
    expect(w.deferredTo[0] - before).toBeGreaterThanOrEqual(Math.max(1500, retryInMs * 1.1) - 5);
    expect(w.deferredTo[0] - Date.now()).toBeLessThanOrEqual(Math.max(1500, retryInMs * 1.1) + 5);

    const healthy = activities.deliverAttempt(attempt('healthy', 4));
    await w.requestsWaiting(3);
    w.requests.forEach((request) => request.fail());
    expect((await Promise.all([...running, healthy])).map((outcome) => outcome.outcome)).toEqual(['failed', 'failed', 'failed']);
    expect(w.calls.filter((call) => call.startsWith('deliveries.recordAttempt'))).toHaveLength(3);
  });

  it('holds a place only while the request is out: the answer is recorded after the place is free again', async () => {
    const w = world();
    const activities = createActivities({ store: w.store, allowPrivateNetworks: false, resolveHost: w.resolveHost, maxInFlightPerWebhook: 1 });
    w.holdRecords();
    const first = activities.deliverAttempt(attempt('wh1', 1));
    await w.requestsWaiting(1);
    w.requests[0].fail();
    while (!w.calls.includes('deliveries.recordAttempt delivery/ws1/evt_1/wh1')) await new Promise((resolve) => setTimeout(resolve, 5));

    // The first attempt is still recording its answer; its place already serves the next request.
    const second = activities.deliverAttempt(attempt('wh1', 2));
    await w.requestsWaiting(2);
    w.requests[1].fail();
    w.releaseRecords();
    await new Promise((resolve) => setTimeout(resolve, 5));
    w.releaseRecords();
    expect((await Promise.all([first, second])).map((outcome) => outcome.outcome)).toEqual(['failed', 'failed']);
  });

  it('defers at once, before reading anything, an attempt to a webhook timed as slow and at its cap', async () => {
    const w = world();
    const activities = createActivities({ store: w.store, allowPrivateNetworks: false, resolveHost: w.resolveHost, maxInFlightPerWebhook: 1 });
    const timed = activities.deliverAttempt(attempt('slow', 1));
    await w.requestsWaiting(1);
    await new Promise((resolve) => setTimeout(resolve, FAST_ATTEMPT_MS + 100));
    w.requests[0].fail();
    await timed;

    const holding = activities.deliverAttempt(attempt('slow', 2));
    await w.requestsWaiting(2);
    const callsBefore = w.calls.length;
    expect(await activities.deliverAttempt(attempt('slow', 3))).toEqual({ outcome: 'deferred', retryInMs: expect.any(Number) });
    expect(w.calls.slice(callsBefore)).toEqual(['deliveries.deferNextAttempt delivery/ws1/evt_3/slow']);
    w.requests[1].fail();
    await holding;
  });

  it('has no cap when the worker sets none', async () => {
    const w = world();
    const activities = createActivities({ store: w.store, allowPrivateNetworks: false, resolveHost: w.resolveHost });
    const running = Array.from({ length: 50 }, (_, i) => activities.deliverAttempt(attempt('wh1', i)));
    await w.requestsWaiting(50);
    w.requests.forEach((request) => request.fail());
    expect((await Promise.all(running)).map((outcome) => outcome.outcome)).toEqual(Array(50).fill('failed'));
  });
});
