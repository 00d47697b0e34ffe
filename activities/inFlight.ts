// Attempts in flight per webhook in this worker process (HERALD_MAX_IN_FLIGHT_PER_WEBHOOK). A
// receiver that hangs to its timeout then holds at most `cap` of the worker's activity slots,
// whatever its backlog. An attempt over the cap is refused at once, never queued: a waiting
// activity would hold a slot just the same. The workflow defers it (AttemptOutcome `deferred`).
//
// A refused attempt is also told when a place should be free for it: the webhook's places free
// up at about `cap` per typical attempt time, so each refusal books the next such moment. A
// thousand deliveries waiting for a receiver that hangs then come back one booking after the
// other, at the rate the receiver is actually tried, instead of all polling the engine at once.
//
// The cap is for receivers that hang; a busy receiver that answers fast must not pay for it. So
// `acquire` lets an attempt over the cap wait for a place, in order, when the webhook has proven
// fast on this worker (its typical attempt at most FAST_ATTEMPT_MS) and the wait it predicts is
// short (at most MAX_WAIT_MS); only then, or past that wait, is it refused. A webhook not timed
// yet on this worker (a burst to a new webhook, a worker just started) gets the benefit of the
// doubt: its attempts over the cap wait too, for at most MAX_WAIT_MS. Refusing them would book
// them a timeout apart (the only measure there is), which put tens of seconds on the first
// deliveries of every burst. A receiver that starts to hang costs at most
// `cap * WAITERS_PER_PLACE` waiting attempts of MAX_WAIT_MS each, on top of its `cap` places: a
// bounded share still; once an attempt has been timed as slow, the rest are refused at once.

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
   * As tryAcquire, but over the cap a webhook that has proven fast, or has not been timed yet,
   * waits for a place, in order, for at most MAX_WAIT_MS, instead of being refused at once. The answer is immediate (not a
   * promise) unless the attempt waits, so a free place is taken in the caller's own turn.
   */
  acquire(key: string, typicalMs: number): InFlightAnswer | Promise<InFlightAnswer>;
  /** Attempts in flight for `key` now. */
  count(key: string): number;
}

/** How much each timed attempt moves the typical attempt time (an exponential moving average). */
const TIMING_WEIGHT = 0.2;
/** A webhook whose attempts typically end within this long is fast: an attempt over its cap may wait. */
export const FAST_ATTEMPT_MS = 500;
/** The longest an attempt waits for a place before it is refused. */
export const MAX_WAIT_MS = 1_000;
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
      state = { inFlight: 0, typicalMs: timings.get(key), bookedUntilMs: 0, waiters: [] };
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
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const heldMs = now() - startedAt;
      state.typicalMs = state.typicalMs === undefined ? heldMs : state.typicalMs + TIMING_WEIGHT * (heldMs - state.typicalMs);
      remember(key, state.typicalMs);
      const next = state.waiters.shift();
      if (next) return next(place(key, state));
      state.inFlight -= 1;
      forget(key, state);
    };
  }

  function refuse(state: KeyState, typicalMs: number): InFlightAnswer {
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
      if (state.inFlight < cap && state.waiters.length === 0) return tryAcquire(key, typicalMs);
      if (state.waiters.length >= cap * WAITERS_PER_PLACE) return refuse(state, typicalMs);
      if (state.typicalMs !== undefined) {
        const predictedMs = ((state.waiters.length + 1) * state.typicalMs) / cap;
        if (state.typicalMs > FAST_ATTEMPT_MS || predictedMs > MAX_WAIT_MS) return refuse(state, typicalMs);
      }
      return waitForPlace(state, typicalMs);
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
