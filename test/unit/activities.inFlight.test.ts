// The per-webhook cap of attempts in flight in one worker: the counter itself, and the attempt
// activity refusing an attempt over the cap at once, without touching the store or the receiver.
import { createActivities } from '../../activities';
import { createInFlightLimit, MAX_WAIT_MS, WAITERS_PER_PLACE, type InFlightAnswer, type ReleaseInFlight } from '../../activities/inFlight';
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

/** A clock and timers the test moves by hand: `wait(ms)` ends when `advance` passes its end. */
function manualTime() {
  let now = 1_000_000;
  const timers: Array<{ at: number; end: () => void }> = [];
  return {
    now: () => now,
    wait: (ms: number) => {
      let end = () => {};
      const done = new Promise<void>((resolve) => (end = resolve));
      const timer = { at: now + ms, end };
      timers.push(timer);
      return { done, cancel: () => timers.splice(timers.indexOf(timer), 1) };
    },
    async advance(ms: number) {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.end();
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
    pending: () => timers.length,
  };
}

/** A limit whose key `wh1` has been timed at `typicalMs` per attempt, with its `cap` places taken. */
function busyLimit(cap: number, typicalMs: number) {
  const time = manualTime();
  const limit = createInFlightLimit(cap, time.now, time.wait);
  const first = placeOf(limit.tryAcquire('wh1', TIMEOUT_MS));
  void time.advance(typicalMs);
  first();
  const places = Array.from({ length: cap }, () => placeOf(limit.tryAcquire('wh1', TIMEOUT_MS)));
  return { limit, time, places };
}

describe('acquire: a fast webhook at its cap waits for a place instead of being refused', () => {
  it('takes a free place at once, without a promise', () => {
    const limit = createInFlightLimit(2);
    const answer = limit.acquire('wh1', TIMEOUT_MS);
    expect(answer).not.toBeInstanceOf(Promise);
    placeOf(answer as InFlightAnswer);
  });

  it('hands the released places to the waiting attempts in the order they came', async () => {
    const { limit, places } = busyLimit(2, 20);
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) => Promise.resolve(limit.acquire('wh1', TIMEOUT_MS)).then((answer) => (order.push(n), placeOf(answer))));
    places[0]();
    places[1]();
    const [first, second] = await Promise.all(waiting.slice(0, 2));
    expect(order).toEqual([1, 2]);
    expect(limit.count('wh1')).toBe(2);
    first();
    const third = await waiting[2];
    expect(order).toEqual([1, 2, 3]);
    second();
    third();
    expect(limit.count('wh1')).toBe(0);
  });

  it('lets a webhook not yet timed wait too: a burst to a new webhook is not booked a timeout apart', async () => {
    const time = manualTime();
    const untimed = createInFlightLimit(1, time.now, time.wait);
    const first = placeOf(untimed.tryAcquire('new', TIMEOUT_MS));
    const waiting = untimed.acquire('new', TIMEOUT_MS);
    expect(waiting).toBeInstanceOf(Promise);
    await time.advance(40);
    first();
    placeOf(await waiting)();
    expect(untimed.count('new')).toBe(0);

    // A receiver that hangs before any attempt is timed: the waiter is refused after MAX_WAIT_MS.
    const hanging = createInFlightLimit(1, time.now, time.wait);
    placeOf(hanging.tryAcquire('hangs', TIMEOUT_MS));
    const inLine = hanging.acquire('hangs', TIMEOUT_MS);
    await time.advance(MAX_WAIT_MS);
    expect(refused(await inLine)).toEqual(expect.any(Number));
  });

  it('refuses at once, as before, a webhook whose attempts are slow', () => {
    const { limit } = busyLimit(1, 3000);
    const answer = limit.acquire('wh1', TIMEOUT_MS);
    expect(answer).not.toBeInstanceOf(Promise);
    expect(refused(answer as InFlightAnswer)).toEqual(expect.any(Number));
  });

  it('refuses a waiting attempt after MAX_WAIT_MS, with a booking, and takes it out of the line', async () => {
    const { limit, time, places } = busyLimit(2, 20);
    const waited = limit.acquire('wh1', TIMEOUT_MS);
    expect(waited).toBeInstanceOf(Promise);
    await time.advance(MAX_WAIT_MS - 1);
    let settled = false;
    void Promise.resolve(waited).then(() => (settled = true));
    await time.advance(0);
    expect(settled).toBe(false);
    await time.advance(1);
    expect(refused(await waited)).toEqual(expect.any(Number));
    // Out of the line: the next release frees its place instead of handing it to no one.
    places[0]();
    expect(limit.count('wh1')).toBe(1);
    expect(time.pending()).toBe(0);
  });

  it('lets at most WAITERS_PER_PLACE attempts per place wait, and only while the predicted wait is short', () => {
    const cap = 2;
    const { limit } = busyLimit(cap, 20);
    const answers = Array.from({ length: cap * WAITERS_PER_PLACE + 1 }, () => limit.acquire('wh1', TIMEOUT_MS));
    expect(answers.slice(0, -1).every((answer) => answer instanceof Promise)).toBe(true);
    expect(refused(answers[answers.length - 1] as InFlightAnswer)).toEqual(expect.any(Number));

    // 400 ms apiece, one at a time: the second in line would wait 800 ms, the third 1 200 ms: refused.
    const { limit: slowish } = busyLimit(1, 400);
    const inLine = [1, 2, 3].map(() => slowish.acquire('wh1', TIMEOUT_MS));
    expect(inLine.slice(0, 2).every((answer) => answer instanceof Promise)).toBe(true);
    expect(refused(inLine[2] as InFlightAnswer)).toEqual(expect.any(Number));
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

  it('defers the attempt over the cap (after at most MAX_WAIT_MS in line), writing only its next attempt, and frees the place when an attempt ends', async () => {
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
