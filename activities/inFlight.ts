// Attempts in flight per webhook in this worker process (HERALD_MAX_IN_FLIGHT_PER_WEBHOOK). A
// receiver that hangs to its timeout then holds at most `cap` of the worker's activity slots,
// whatever its backlog. An attempt over the cap is refused at once, never queued: a waiting
// activity would hold a slot just the same. The workflow defers it (AttemptOutcome `deferred`).
//
// A refused attempt is also told when a place should be free for it: the webhook's places free
// up at about `cap` per typical attempt time, so each refusal books the next such moment. A
// thousand deliveries waiting for a receiver that hangs then come back one booking after the
// other, at the rate the receiver is actually tried, instead of all polling the engine at once.

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
  /** Attempts in flight for `key` now. */
  count(key: string): number;
}

/** How much each timed attempt moves the typical attempt time (an exponential moving average). */
const TIMING_WEIGHT = 0.2;

interface KeyState {
  inFlight: number;
  /** Moving average of how long an attempt to this key holds its place, ms. */
  typicalMs: number | undefined;
  /** The last moment booked for a refused attempt (epoch ms). */
  bookedUntilMs: number;
}

/** `cap`: an integer >= 1, or Infinity for no limit. `now` is for tests. */
export function createInFlightLimit(cap: number, now: () => number = Date.now): InFlightLimit {
  if (!(Number.isInteger(cap) || cap === Number.POSITIVE_INFINITY) || cap < 1) {
    throw new RangeError(`the in-flight cap must be an integer >= 1, got ${cap}`);
  }
  // Keys are dropped once nothing is in flight and no booking lies ahead, so the map does not
  // grow with every webhook ever seen.
  const keys = new Map<string, KeyState>();
  const forget = (key: string, state: KeyState) => {
    if (state.inFlight === 0 && state.bookedUntilMs <= now()) keys.delete(key);
  };
  return {
    tryAcquire(key, typicalMs) {
      const state = keys.get(key) ?? { inFlight: 0, typicalMs: undefined, bookedUntilMs: 0 };
      keys.set(key, state);
      if (state.inFlight >= cap) {
        const at = Math.max(now(), state.bookedUntilMs) + (state.typicalMs ?? typicalMs) / cap;
        state.bookedUntilMs = at;
        return { retryInMs: Math.ceil(at - now()) };
      }
      state.inFlight += 1;
      const startedAt = now();
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          const heldMs = now() - startedAt;
          state.typicalMs = state.typicalMs === undefined ? heldMs : state.typicalMs + TIMING_WEIGHT * (heldMs - state.typicalMs);
          state.inFlight -= 1;
          forget(key, state);
        },
      };
    },
    count: (key) => keys.get(key)?.inFlight ?? 0,
  };
}
