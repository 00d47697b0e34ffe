// An attempt the worker refused to start because its webhook already has its cap of attempts in
// flight (HERALD_MAX_IN_FLIGHT_PER_WEBHOOK) is deferred: nothing is sent or counted, and the
// delivery tries again after a short wait that grows while the webhook stays busy. Jittered, so
// that a thousand deferred deliveries do not all come back in the same second. Pure.

import { jittered } from './jitter';

/** The wait after a first deferral. */
export const DEFERRAL_FIRST_SECONDS = 1;
/** The wait doubles with each consecutive deferral up to 2 minutes... */
export const DEFERRAL_MAX_SECONDS = 2 * 60;
/** ...and is lengthened by up to half of itself, so the longest is 3 minutes. */
export const DEFERRAL_JITTER = 0.5;

/**
 * Seconds (to the millisecond) to wait after the `deferrals`-th consecutive deferral (>= 1).
 * @param rng uniform in [0, 1), read once.
 */
export function deferralDelaySeconds(deferrals: number, rng: () => number): number {
  if (!Number.isInteger(deferrals) || deferrals < 1) throw new RangeError(`deferrals must be an integer >= 1, got ${deferrals}`);
  // Doubling stops at the cap, so a long streak cannot overflow.
  let base = DEFERRAL_FIRST_SECONDS;
  for (let n = 2; n <= deferrals && base < DEFERRAL_MAX_SECONDS; n++) base *= 2;
  return jittered(Math.min(base, DEFERRAL_MAX_SECONDS), rng, Number.POSITIVE_INFINITY, DEFERRAL_JITTER);
}
