// The per-webhook cap of attempts in flight in one worker: the counter, its waiting line and its
// extra places for fast webhooks. The attempt activity at the cap: activities.attemptCap.test.ts.
import {
  createInFlightLimit,
  FAST_ATTEMPT_MS,
  FAST_BURST,
  HANGING_MS,
  MAX_WAIT_MS,
  WAITERS_PER_PLACE,
  type InFlightAnswer,
  type ReleaseInFlight,
} from '../../activities/inFlight';

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

/**
 * A limit whose key `wh1` has been timed at `typicalMs` per attempt, with every place `acquire`
 * gives it taken: `cap` of them, FAST_BURST times as many when that is fast.
 */
function busyLimit(cap: number, typicalMs: number) {
  const time = manualTime();
  const limit = createInFlightLimit(cap, time.now, time.wait);
  const first = placeOf(limit.tryAcquire('wh1', TIMEOUT_MS));
  void time.advance(typicalMs);
  first();
  const placeCount = typicalMs <= FAST_ATTEMPT_MS ? cap * FAST_BURST : cap;
  const places = Array.from({ length: placeCount }, () => placeOf(limit.acquire('wh1', TIMEOUT_MS) as InFlightAnswer));
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
    expect(limit.count('wh1')).toBe(places.length);
    first();
    const third = await waiting[2];
    expect(order).toEqual([1, 2, 3]);
    second();
    third();
    places.slice(2).forEach((release) => release());
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

  it('gives a webhook proven fast FAST_BURST times its cap in places, and a webhook not timed yet only its cap', async () => {
    const { limit, time, places } = busyLimit(2, 20);
    expect(places).toHaveLength(2 * FAST_BURST);
    const waiting = limit.acquire('wh1', TIMEOUT_MS);
    expect(waiting).toBeInstanceOf(Promise);
    places[0]();
    placeOf(await waiting)();
    places.slice(1).forEach((release) => release());
    expect(limit.count('wh1')).toBe(0);
    expect(time.pending()).toBe(0);

    const untimed = createInFlightLimit(2, time.now, time.wait);
    placeOf(untimed.acquire('new', TIMEOUT_MS) as InFlightAnswer);
    placeOf(untimed.acquire('new', TIMEOUT_MS) as InFlightAnswer);
    expect(untimed.acquire('new', TIMEOUT_MS)).toBeInstanceOf(Promise);
  });

  it('takes the extra places back from a fast webhook once `cap` of its requests have been out HANGING_MS', async () => {
    const time = manualTime();
    const limit = createInFlightLimit(2, time.now, time.wait);
    const timed = placeOf(limit.tryAcquire('wh1', TIMEOUT_MS));
    await time.advance(20);
    timed();

    placeOf(limit.acquire('wh1', TIMEOUT_MS) as InFlightAnswer);
    await time.advance(HANGING_MS);
    // One request out that long is not yet `cap` of them: past the cap, places are still given.
    const more = [limit.acquire('wh1', TIMEOUT_MS), limit.acquire('wh1', TIMEOUT_MS)];
    expect(more.some((answer) => answer instanceof Promise)).toBe(false);
    expect(limit.count('wh1')).toBe(3);
    await time.advance(HANGING_MS);
    // Now three hang: no place beyond the cap; in line for one instead.
    expect(limit.acquire('wh1', TIMEOUT_MS)).toBeInstanceOf(Promise);
  });

  it('answers `refusal` only for a webhook timed as slow and at its cap, booking it as acquire would', () => {
    const { limit, places } = busyLimit(1, 3000);
    expect(limit.refusal('wh1', TIMEOUT_MS)).toEqual({ retryInMs: 3000 });
    expect(limit.refusal('wh1', TIMEOUT_MS)).toEqual({ retryInMs: 6000 });
    places[0]();
    expect(limit.refusal('wh1', TIMEOUT_MS)).toBeUndefined();

    const { limit: fast } = busyLimit(1, 20);
    expect(fast.refusal('wh1', TIMEOUT_MS)).toBeUndefined();
    const untimed = createInFlightLimit(1);
    placeOf(untimed.tryAcquire('new', TIMEOUT_MS));
    expect(untimed.refusal('new', TIMEOUT_MS)).toBeUndefined();
    expect(untimed.refusal('unknown', TIMEOUT_MS)).toBeUndefined();
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
    expect(limit.count('wh1')).toBe(places.length - 1);
    expect(time.pending()).toBe(0);
  });

  it('lets at most WAITERS_PER_PLACE attempts per place of the cap wait', () => {
    const cap = 2;
    const { limit } = busyLimit(cap, 20);
    const answers = Array.from({ length: cap * WAITERS_PER_PLACE + 1 }, () => limit.acquire('wh1', TIMEOUT_MS));
    expect(answers.slice(0, -1).every((answer) => answer instanceof Promise)).toBe(true);
    expect(refused(answers[answers.length - 1] as InFlightAnswer)).toEqual(expect.any(Number));
  });
});
