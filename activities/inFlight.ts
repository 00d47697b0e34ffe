// Attempts in flight per webhook in this worker process (HERALD_MAX_IN_FLIGHT_PER_WEBHOOK). A
// receiver that hangs to its timeout then holds at most `cap` of the worker's activity slots,
// whatever its backlog. An attempt over the cap is refused at once, never queued: a waiting
// activity would hold a slot just the same. The workflow defers it (AttemptOutcome `deferred`).

/** Gives the place back; calling it again does nothing. */
export type ReleaseInFlight = () => void;

export interface InFlightLimit {
  /** Takes a place for `key` and returns its release, or undefined when `key` has `cap` attempts in flight. */
  tryAcquire(key: string): ReleaseInFlight | undefined;
  /** Attempts in flight for `key` now. */
  count(key: string): number;
}

/** `cap`: an integer >= 1, or Infinity for no limit. */
export function createInFlightLimit(cap: number): InFlightLimit {
  if (!(Number.isInteger(cap) || cap === Number.POSITIVE_INFINITY) || cap < 1) {
    throw new RangeError(`the in-flight cap must be an integer >= 1, got ${cap}`);
  }
  // Only keys with something in flight are kept, so the map does not grow with every webhook ever seen.
  const inFlight = new Map<string, number>();
  return {
    tryAcquire(key) {
      const current = inFlight.get(key) ?? 0;
      if (current >= cap) return undefined;
      inFlight.set(key, current + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (inFlight.get(key) ?? 1) - 1;
        if (left > 0) inFlight.set(key, left);
        else inFlight.delete(key);
      };
    },
    count: (key) => inFlight.get(key) ?? 0,
  };
}
