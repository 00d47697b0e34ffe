// An attempt the worker refused to start because its webhook already has its cap of attempts in
// flight (HERALD_MAX_IN_FLIGHT_PER_WEBHOOK) is deferred: nothing is sent or counted, and the
// delivery tries again when the worker expects a place to be free for it (its booking), and never
// sooner than a short wait that grows while the webhook stays busy. Jittered, so that a thousand
// deferred deliveries do not all come back in the same second. Pure.

import { jittered, RETRY_JITTER } from './jitter';

/** The wait after a first deferral. */
export const DEFERRAL_FIRST_SECONDS = 1;
/** The wait doubles with each consecutive deferral up to 2 minutes... */
export const DEFERRAL_MAX_SECONDS = 2 * 60;
/** ...and is lengthened by up to half of itself, so the longest is 3 minutes. */
export const DEFERRAL_JITTER = 0.5;

/** A worker's booking is followed up to 15 minutes ahead; a longer queue is tried again then. */
export const DEFERRAL_BOOKING_MAX_SECONDS = 15 * 60;

/** The un-jittered growing wait after the `deferrals`-th consecutive deferral. */
function growingBaseSeconds(deferrals: number): number {
  if (!Number.isInteger(deferrals) || deferrals < 1) throw new RangeError(`deferrals must be an integer >= 1, got ${deferrals}`);
  // Doubling stops at the cap, so a long streak cannot overflow.
  let base = DEFERRAL_FIRST_SECONDS;
  for (let n = 2; n <= deferrals && base < DEFERRAL_MAX_SECONDS; n++) base *= 2;
  return Math.min(base, DEFERRAL_MAX_SECONDS);
}

/** The part of a booking that is followed: positive, at most 15 minutes. */
function followedBookingSeconds(bookedSeconds: number): number {
  return Number.isFinite(bookedSeconds) && bookedSeconds > 0 ? Math.min(bookedSeconds, DEFERRAL_BOOKING_MAX_SECONDS) : 0;
}

/**
 * Seconds (to the millisecond) to wait after the `deferrals`-th consecutive deferral (>= 1): the
 * later of the growing wait and the worker's booking (`bookedSeconds`, lengthened by up to 10 %).
 * @param rng uniform in [0, 1), read twice.
 */
export function deferralDelaySeconds(deferrals: number, rng: () => number, bookedSeconds = 0): number {
  const growing = jittered(growingBaseSeconds(deferrals), rng, Number.POSITIVE_INFINITY, DEFERRAL_JITTER);
  return Math.max(growing, jittered(followedBookingSeconds(bookedSeconds), rng, Number.POSITIVE_INFINITY, RETRY_JITTER));
}

/**
 * The longest deferralDelaySeconds can wait for the same deferral and booking, whatever the
 * jitter: what a deferred delivery's record shows as its next attempt, so that the reconciler,
 * which looks only at overdue deliveries, does not take a deferred one for one without a run.
 */
export function deferralLatestSeconds(deferrals: number, bookedSeconds = 0): number {
  return Math.max(growingBaseSeconds(deferrals) * (1 + DEFERRAL_JITTER), followedBookingSeconds(bookedSeconds) * (1 + RETRY_JITTER));
}
