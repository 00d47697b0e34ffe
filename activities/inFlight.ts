// Attempts in flight per webhook in this worker process (HERALD_MAX_IN_FLIGHT_PER_WEBHOOK). A
// receiver that hangs to its timeout then holds at most `cap` of the worker's activity slots,
// whatever its backlog. An attempt over the cap is refused, never queued for long: a waiting
// activity would hold a slot just the same. The workflow defers it (AttemptOutcome `deferred`).
//
// A place is held only while the request is out (activities/attempt.ts takes it after reading
// the webhook and the event and gives it back before recording the answer): the cap is about the
// receiver, so it times the receiver alone. Counting Herald's own database round trips made a
// busy worker look like a slow receiver: at 300 ms an attempt, a cap of 10 is 33 deliveries/s
// per webhook, and past that most first attempts became deferred deliveries.
//
// A refused attempt is also told when a place should be free for it: the webhook's places free
// up at about `cap` per typical attempt time, so each refusal books the next such moment. A
// thousand deliveries waiting for a receiver that hangs then come back one booking after the
// other, at the rate the receiver is actually tried, instead of all polling the engine at once.
//
// The cap is for receivers that hang; a busy receiver that answers fast must not pay for it. So
// `acquire` gives a webhook proven fast on this worker (its typical attempt at most
// FAST_ATTEMPT_MS) FAST_BURST times its cap in places, for as long as fewer than `cap` of its
// requests have been out for HANGING_MS: on a busy worker even a receiver that answers at once
// holds its place for the worker's own event-loop turns. Past those places, an attempt to a fast
// webhook waits for one, in order, for at most MAX_WAIT_MS, with at most `cap * WAITERS_PER_PLACE`
// others; past that wait, or when the line is full, it is refused. A webhook not timed yet on this worker (a burst to a
// new webhook, a worker just started) gets `cap` places and the benefit of the doubt: its attempts
// over the cap wait too, for at most MAX_WAIT_MS. Refusing them would book them a timeout apart
// (the only measure there is), which put tens of seconds on the first deliveries of every burst.
//
// What a receiver that starts to hang can hold: if it was not timed yet, `cap` places and
// `cap * WAITERS_PER_PLACE` attempts waiting MAX_WAIT_MS each; if it was proven fast, up to
// `cap * FAST_BURST` places until `cap` of them have hung for HANGING_MS, then `cap`. Once one of
// its attempts has been timed as slow, it has `cap` places and the rest are refused at once —
// `refusal` says so before the attempt reads anything.

/** Gives the place back; calling it again does nothing. */
export type ReleaseInFlight = () => void;

export type InFlightAnswer = { release: ReleaseInFlight } | { retryInMs: number };

export interface InFlightLimit {
  /**
   * Takes a place for `key` and returns its release; or, when `key` has `cap` attempts in flight,
   * how long until a place should be free for this one. `typicalMs`: what an attempt to `key` is
   * expected to take before one has been timed (its timeout).
   */
  tryAcquire(key: string, typicalMs: number): InFlightAnswer;
  /**
   * What the attempt activity uses. As tryAcquire, but a webhook proven fast has FAST_BURST times
   * the places while none of its requests hang, and over its places a webhook that has proven
   * fast, or has not been timed yet, waits for one, in order, for at most MAX_WAIT_MS, instead of
   * being refused at once. The answer is immediate (not a promise) unless the attempt waits, so a
   * free place is taken in the caller's own turn.
   */
  acquire(key: string, typicalMs: number): InFlightAnswer | Promise<InFlightAnswer>;
  /**
   * The refusal `acquire` would answer at once because `key` is known to be slow and at its cap,
   * without taking a place; undefined when an attempt might get one. Lets a deferred attempt skip
   * the reads it would make before acquiring.
   */
  refusal(key: string, typicalMs: number): { retryInMs: number } | undefined;
  /** Attempts in flight for `key` now. */
  count(key: string): number;
}

/** How much each timed attempt moves the typical attempt time (an exponential moving average). */
const TIMING_WEIGHT = 0.2;
/** A webhook whose attempts typically end within this long is fast: an attempt over its cap may wait. */
export const FAST_ATTEMPT_MS = 500;
/** The longest an attempt waits for a place before it is refused. */
export const MAX_WAIT_MS = 1_000;
/**
 * A webhook proven fast may have FAST_BURST times its cap in flight: on a busy worker even a
 * receiver that answers at once holds its place for the worker's own event-loop turns, and at
 * 300 ms a place a cap of 10 would be 33 deliveries/s. A receiver that starts to hang loses the
 * extra places as soon as `cap` of its requests have been out for HANGING_MS, and for good once
 * one has been timed as slow.
 */
export const FAST_BURST = 4;
/** A request out this long counts as hanging, for FAST_BURST. */
export const HANGING_MS = 5_000;
/** Attempts that may wait per place of the cap. */
export const WAITERS_PER_PLACE = 4;
/** Typical attempt times kept for webhooks with nothing in flight, so a new burst starts informed. */
const TIMINGS_KEPT = 10_000;

interface KeyState {
  inFlight: number;
  /** Moving average of how long an attempt to this key holds its place, ms. */
  typicalMs: number | undefined;
  /** The last moment booked for a refused attempt (epoch ms). */
  bookedUntilMs: number;
  /** Attempts waiting for a place, first come first served: each takes the place it is handed. */
  waiters: Array<(release: ReleaseInFlight) => void>;
  /** When each place in use was taken (epoch ms), oldest first. */
  takenAt: number[];
}

/** `cap`: an integer >= 1, or Infinity for no limit. `now` and `wait` are for tests. */
export function createInFlightLimit(
  cap: number,
  now: () => number = Date.now,
  wait: (ms: number) => { done: Promise<void>; cancel(): void } = realWait,
): InFlightLimit {
  if (!(Number.isInteger(cap) || cap === Number.POSITIVE_INFINITY) || cap < 1) {
    throw new RangeError(`the in-flight cap must be an integer >= 1, got ${cap}`);
  }
  // Keys are dropped once nothing is in flight or waiting and no booking lies ahead, so the map
  // does not grow with every webhook ever seen; their typical times are kept apart, bounded.
  const keys = new Map<string, KeyState>();
  const timings = new Map<string, number>();
  const stateOf = (key: string): KeyState => {
    let state = keys.get(key);
    if (!state) {
      state = { inFlight: 0, typicalMs: timings.get(key), bookedUntilMs: 0, waiters: [], takenAt: [] };
      keys.set(key, state);
    }
    return state;
  };
  const forget = (key: string, state: KeyState) => {
    if (state.inFlight === 0 && state.waiters.length === 0 && state.bookedUntilMs <= now()) keys.delete(key);
  };
  const remember = (key: string, typicalMs: number) => {
    timings.delete(key);
    timings.set(key, typicalMs);
    if (timings.size > TIMINGS_KEPT) timings.delete(timings.keys().next().value as string);
  };

  /** A place held from now on: its release times it, and hands it to the next waiter if there is one. */
  function place(key: string, state: KeyState): ReleaseInFlight {
    const startedAt = now();
    state.takenAt.push(startedAt);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      state.takenAt.splice(state.takenAt.indexOf(startedAt), 1);
      const heldMs = now() - startedAt;
      state.typicalMs = state.typicalMs === undefined ? heldMs : state.typicalMs + TIMING_WEIGHT * (heldMs - state.typicalMs);
      remember(key, state.typicalMs);
      const next = state.waiters.shift();
      if (next) return next(place(key, state));
      state.inFlight -= 1;
      forget(key, state);
    };
  }

  /**
   * How many places `acquire` hands out for the key now: `cap`, or FAST_BURST times as many for a
   * webhook proven fast whose places are not held by requests that hang (fewer than `cap` of them
   * out for HANGING_MS).
   */
  function placesFor(state: KeyState): number {
    if (state.typicalMs === undefined || state.typicalMs > FAST_ATTEMPT_MS) return cap;
    const hangingSince = now() - HANGING_MS;
    let hanging = 0;
    for (const takenAt of state.takenAt) {
      if (takenAt > hangingSince) break;
      hanging += 1;
    }
    return hanging >= cap ? cap : cap * FAST_BURST;
  }

  function refuse(state: KeyState, typicalMs: number): { retryInMs: number } {
    const at = Math.max(now(), state.bookedUntilMs) + (state.typicalMs ?? typicalMs) / cap;
    state.bookedUntilMs = at;
    return { retryInMs: Math.ceil(at - now()) };
  }

  function tryAcquire(key: string, typicalMs: number): InFlightAnswer {
    const state = stateOf(key);
    if (state.inFlight >= cap) return refuse(state, typicalMs);
    state.inFlight += 1;
    return { release: place(key, state) };
  }

  return {
    tryAcquire,
    acquire(key, typicalMs) {
      const state = stateOf(key);
      const places = placesFor(state);
      if (state.inFlight < places && state.waiters.length === 0) {
        state.inFlight += 1;
        return { release: place(key, state) };
      }
      if (state.waiters.length >= cap * WAITERS_PER_PLACE) return refuse(state, typicalMs);
      if (state.typicalMs !== undefined && state.typicalMs > FAST_ATTEMPT_MS) return refuse(state, typicalMs);
      return waitForPlace(state, typicalMs);
    },
    refusal(key, typicalMs) {
      const state = keys.get(key);
      if (!state || state.inFlight < cap || state.typicalMs === undefined || state.typicalMs <= FAST_ATTEMPT_MS) return undefined;
      return refuse(state, typicalMs);
    },
    count: (key) => keys.get(key)?.inFlight ?? 0,
  };

  /** In line for the next place released, for at most MAX_WAIT_MS; then refused as if at once. */
  async function waitForPlace(state: KeyState, typicalMs: number): Promise<InFlightAnswer> {
    const timer = wait(MAX_WAIT_MS);
    let handed: ((release: ReleaseInFlight) => void) | undefined;
    const given = new Promise<ReleaseInFlight>((resolve) => (handed = resolve));
    const waiter = (release: ReleaseInFlight) => handed!(release);
    state.waiters.push(waiter);
    const release = await Promise.race([given, timer.done.then(() => undefined)]);
    if (release) {
      timer.cancel();
      return { release };
    }
    // Waited long enough: out of the line, refused as if at once (a place handed meanwhile is taken).
    const at = state.waiters.indexOf(waiter);
    if (at >= 0) state.waiters.splice(at, 1);
    else return { release: await given };
    return refuse(state, typicalMs);
  }
}

function realWait(ms: number): { done: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return { done, cancel: () => clearTimeout(timer) };
}
