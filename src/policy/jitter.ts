// Jitter on waits: deliveries that failed together (an endpoint down for everyone) must not all
// come back at the same moment. Pure: the workflow passes its replay-safe Math.random as `rng`.

/** A retry interval is lengthened by up to 10 %, drawn uniformly: a retry never comes earlier than its schedule says. */
export const RETRY_JITTER = 0.1;

/**
 * `baseSeconds` lengthened by a uniform draw of up to `fraction` of itself, in seconds to the
 * millisecond, and never beyond `capSeconds` (a preset's longest interval): at the cap there is
 * no room left to add, and the wait is the cap itself.
 */
export function jittered(baseSeconds: number, rng: () => number, capSeconds = Number.POSITIVE_INFINITY, fraction = RETRY_JITTER): number {
  // Clamped: an rng that breaks its [0, 1) contract cannot shorten or overstretch a wait.
  const draw = Math.min(1, Math.max(0, rng()));
  const ms = Math.floor(baseSeconds * 1000 * (1 + draw * fraction));
  return Math.min(ms, capSeconds * 1000) / 1000;
}
