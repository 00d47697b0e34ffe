// The per-webhook cap of attempts in flight in one worker: the counter itself, and the attempt
// activity refusing an attempt over the cap at once, without touching the store or the receiver.
import { createActivities } from '../../activities';
import { createInFlightLimit, type InFlightAnswer, type ReleaseInFlight } from '../../activities/inFlight';
import type { Store } from '../../src/store';
import type { AttemptInput, AttemptOutcome } from '../../workflows/contracts/delivery';

const TIMEOUT_MS = 5000;

/** The release of a place, or a failed expectation when the answer was a refusal. */
function placeOf(answer: InFlightAnswer): ReleaseInFlight {
  if (!('release' in answer)) throw new Error(`refused, retry in ${answer.retryInMs} ms`);
  return answer.release;
}

const refused = (answer: InFlightAnswer) => ('retryInMs' in answer ? answer.retryInMs : undefined);

describe('createInFlightLimit', () => {
  it('gives out `cap` places per key, and refuses more until one is released', () => {
    const limit = createInFlightLimit(2);
    const first = placeOf(limit.tryAcquire('wh1', TIMEOUT_MS));
    placeOf(limit.tryAcquire('wh1', TIMEOUT_MS));
    expect(refused(limit.tryAcquire('wh1', TIMEOUT_MS))).toEqual(expect.any(Number));
    expect(limit.count('wh1')).toBe(2);

    first();
    expect(limit.count('wh1')).toBe(1);
    placeOf(limit.tryAcquire('wh1', TIMEOUT_MS));
    expect(refused(limit.tryAcquire('wh1', TIMEOUT_MS))).toEqual(expect.any(Number));
  });

  it('counts each key on its own', () => {
    const limit = createInFlightLimit(1);
    placeOf(limit.tryAcquire('busy', TIMEOUT_MS));
    expect(refused(limit.tryAcquire('busy', TIMEOUT_MS))).toEqual(expect.any(Number));
    placeOf(limit.tryAcquire('healthy', TIMEOUT_MS));
    expect(limit.count('busy')).toBe(1);
    expect(limit.count('healthy')).toBe(1);
    expect(limit.count('unknown')).toBe(0);
  });

  it('releases a place once, however often its release is called', () => {
    const limit = createInFlightLimit(2);
    const release = placeOf(limit.tryAcquire('wh1', TIMEOUT_MS));
    placeOf(limit.tryAcquire('wh1', TIMEOUT_MS));
    release();
    release();
    release();
    expect(limit.count('wh1')).toBe(1);
    placeOf(limit.tryAcquire('wh1', TIMEOUT_MS));
    expect(refused(limit.tryAcquire('wh1', TIMEOUT_MS))).toEqual(expect.any(Number));
  });

  it('books refused attempts one after the other, `cap` per attempt time, from the timeout until an attempt is timed', () => {
    let now = 1_000_000;
    const limit = createInFlightLimit(10, () => now);
    const places = Array.from({ length: 10 }, () => placeOf(limit.tryAcquire('dead', TIMEOUT_MS)));
    // Nothing timed yet: an attempt is expected to hold its place for the timeout, so one place frees every 500 ms.
    expect([1, 2, 3].map(() => refused(limit.tryAcquire('dead', TIMEOUT_MS)))).toEqual([500, 1000, 1500]);

    // The ten attempts took 1 s each: from now on a place is expected to free every 100 ms,
    // after the bookings already made (the last one 500 ms from now).
    now += 1000;
    for (const release of places) release();
    for (let i = 0; i < 10; i++) placeOf(limit.tryAcquire('dead', TIMEOUT_MS));
    expect(refused(limit.tryAcquire('dead', TIMEOUT_MS))).toBe(600);
    expect(refused(limit.tryAcquire('dead', TIMEOUT_MS))).toBe(700);
  });

  it('books from now again once the last booking is past, and forgets a key with nothing in flight and nothing booked', () => {
    let now = 0;
    const limit = createInFlightLimit(1, () => now);
    const release = placeOf(limit.tryAcquire('wh1', 2000));
    expect(refused(limit.tryAcquire('wh1', 2000))).toBe(2000);
    expect(refused(limit.tryAcquire('wh1', 2000))).toBe(4000);
    now = 10_000;
    expect(refused(limit.tryAcquire('wh1', 2000))).toBe(2000);
    release();
    expect(limit.count('wh1')).toBe(0);
  });

  it('has no limit with an infinite cap', () => {
    const limit = createInFlightLimit(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 1000; i++) placeOf(limit.tryAcquire('wh1', TIMEOUT_MS));
    expect(limit.count('wh1')).toBe(1000);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a cap of %p', (cap) => {
    expect(() => createInFlightLimit(cap)).toThrow(RangeError);
  });
});

describe('deliverAttempt at the cap', () => {
  /** A store whose webhook lookups wait until the test lets them go; every other call is recorded. */
  function blockingStore() {
    const calls: string[] = [];
    const waiting: Array<{ resolve: (value: null) => void; reject: (error: Error) => void }> = [];
    const record = (name: string) => async () => {
      calls.push(name);
      return null;
    };
    const store = {
      webhooks: {
        getEndpoint: (_ws: string, webhookId: string) => {
          calls.push(`webhooks.getEndpoint ${webhookId}`);
          return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
        },
        recordFailure: record('webhooks.recordFailure'),
        resetStreak: record('webhooks.resetStreak'),
      },
      events: { get: record('events.get') },
      workspaces: { get: record('workspaces.get') },
      deliveries: {
        recordAttempt: record('deliveries.recordAttempt'),
        setProgress: record('deliveries.setProgress'),
        deferNextAttempt: async (id: string, at: Date) => {
          calls.push(`deliveries.deferNextAttempt ${id}`);
          deferredTo.push(at.getTime());
        },
      },
    };
    const deferredTo: number[] = [];
    return { store: store as unknown as Store, calls, waiting, deferredTo };
  }

  const attempt = (webhookId: string, n = 1): AttemptInput => ({
    deliveryId: `delivery/ws1/evt_${n}/${webhookId}`,
    workspaceId: 'ws1',
    webhookId,
    eventId: `evt_${n}`,
    attemptNumber: 1,
    timeoutMs: 1000,
    lane: 'priority',
    onFailure: { status: 'pending', lane: 'priority', nextAttemptAt: null },
  });

  it('defers the attempt over the cap at once, writing only its next attempt, and frees the place when an attempt ends', async () => {
    const { store, calls, waiting, deferredTo } = blockingStore();
    const activities = createActivities({ store, allowPrivateNetworks: true, maxInFlightPerWebhook: 2 });
    const deliverAttempt = (input: AttemptInput) => activities.deliverAttempt(input);

    const running = [deliverAttempt(attempt('dead', 1)), deliverAttempt(attempt('dead', 2))];
    const before = Date.now();
    const deferred = await deliverAttempt(attempt('dead', 3));
    expect(deferred).toEqual({ outcome: 'deferred', retryInMs: expect.any(Number) });
    expect(calls.filter((call) => call.includes('dead'))).toEqual([
      'webhooks.getEndpoint dead',
      'webhooks.getEndpoint dead',
      'deliveries.deferNextAttempt delivery/ws1/evt_3/dead',
    ]);
    // The record shows the latest the deferred attempt may come: the booking or the first wait, with their jitter.
    const { retryInMs } = deferred as { retryInMs: number };
    expect(deferredTo[0] - before).toBeGreaterThanOrEqual(Math.max(1500, retryInMs * 1.1) - 5);
    expect(deferredTo[0] - Date.now()).toBeLessThanOrEqual(Math.max(1500, retryInMs * 1.1) + 5);
    // Another webhook is not held up by the busy one.
    const healthy = deliverAttempt(attempt('healthy', 4));
    expect(calls).toContain('webhooks.getEndpoint healthy');

    // One attempt ends (here: its webhook was deleted), one breaks: both places are free again.
    waiting[0].resolve(null);
    waiting[1].reject(new Error('store unavailable'));
    waiting[2].resolve(null);
    const outcomes: Array<PromiseSettledResult<AttemptOutcome>> = await Promise.allSettled([...running, healthy]);
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.outcome : 'threw'))).toEqual([
      'webhook-missing',
      'threw',
      'webhook-missing',
    ]);

    const again = [deliverAttempt(attempt('dead', 5)), deliverAttempt(attempt('dead', 6))];
    expect(await deliverAttempt(attempt('dead', 7))).toEqual({ outcome: 'deferred', retryInMs: expect.any(Number) });
    expect(calls.filter((call) => call === 'webhooks.getEndpoint dead')).toHaveLength(4);
    expect(deferredTo).toHaveLength(2);
    waiting.slice(3).forEach((lookup) => lookup.resolve(null));
    await Promise.all(again);
    // No attempt was ever recorded for a deferred attempt, nor counted against the webhook's health.
    const lookups = ['webhooks.getEndpoint', 'events.get', 'workspaces.get', 'deliveries.deferNextAttempt'];
    expect(calls.filter((call) => !lookups.some((name) => call.startsWith(name)))).toEqual([]);
  });

  it('has no cap when the worker sets none', async () => {
    const { store, waiting } = blockingStore();
    const activities = createActivities({ store, allowPrivateNetworks: true });
    const deliverAttempt = (input: AttemptInput) => activities.deliverAttempt(input);
    const running = Array.from({ length: 50 }, (_, i) => deliverAttempt(attempt('wh1', i)));
    expect(waiting).toHaveLength(50);
    waiting.forEach((lookup) => lookup.resolve(null));
    expect((await Promise.all(running)).map((outcome) => outcome.outcome)).toEqual(Array(50).fill('webhook-missing'));
  });
});
