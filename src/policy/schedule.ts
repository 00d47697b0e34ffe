// What the delivery workflow does after a failed attempt: how long to wait, in which lane, or
// whether to give up. Pure and deterministic (it runs inside the Temporal workflow sandbox):
// the only randomness is the injected `rng`, which the workflow backs with its replay-safe
// Math.random.

import { jittered } from './jitter';
import type { NextStep, ResolvedPolicy } from './types';

/**
 * The priority lane's intervals (and fixed's) are the preset's exact interval lengthened by up to
 * RETRY_JITTER, never shortened and never past maxIntervalSeconds where the preset has one
 * (progressive, max-attempts); fixed's only bound is its interval plus the jitter. With `rng`
 * returning 0 the schedule is exactly the preset's. The slow lane is random already: no jitter.
 *
 * @param attemptsMade failed attempts so far (>= 1). Retry number `attemptsMade` follows.
 * @param rng uniform in [0, 1); read once for every retry (jitter, or the slow-lane interval), never for a stop.
 */
export function nextStep(policy: ResolvedPolicy, attemptsMade: number, rng: () => number): NextStep {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) {
    throw new RangeError(`attemptsMade must be an integer >= 1, got ${attemptsMade}`);
  }
  const retryNumber = attemptsMade;
  const inPriorityLane = retryNumber <= policy.maxRetries;
  switch (policy.preset) {
    case 'fixed':
      return inPriorityLane ? priority(jittered(policy.intervalSeconds, rng)) : { kind: 'stop' };
    case 'max-attempts':
      return inPriorityLane ? priority(jittered(doublingInterval(policy, retryNumber), rng, policy.maxIntervalSeconds)) : { kind: 'stop' };
    case 'progressive':
      // Never stops by count: after the priority lane it keeps trying in the slow lane, and only
      // the workflow's age check (maxAgeSeconds) or success / cancel ends it.
      return inPriorityLane
        ? priority(jittered(priorityInterval(policy, retryNumber), rng, policy.maxIntervalSeconds))
        : { kind: 'retry', delaySeconds: slowLaneInterval(policy, rng), lane: 'slow' };
  }
}

function priority(delaySeconds: number): NextStep {
  return { kind: 'retry', delaySeconds, lane: 'priority' };
}

/**
 * Progressive priority lane: geometric growth from initialIntervalSeconds (retry 1) to exactly
 * maxIntervalSeconds (the last priority retry), rounded to whole seconds. Rounding could make
 * neighbours equal but never decrease them; the running maximum guarantees that even against
 * floating-point noise, so the lane is non-decreasing whatever the overrides.
 */
export function priorityInterval(policy: ResolvedPolicy, retryNumber: number): number {
  const { initialIntervalSeconds: first, maxIntervalSeconds: last, maxRetries } = policy;
  const steps = maxRetries - 1;
  let interval = first;
  for (let r = 2; r <= Math.min(retryNumber, maxRetries); r++) {
    const raw = Math.round(first * Math.pow(last / first, (r - 1) / steps));
    interval = Math.max(interval, Math.min(last, Math.max(first, raw)));
  }
  return interval;
}

/** Slow lane: a whole number of seconds drawn uniformly from [slowLaneMin, slowLaneMax]. */
export function slowLaneInterval(policy: ResolvedPolicy, rng: () => number): number {
  const { slowLaneMinSeconds: min, slowLaneMaxSeconds: max } = policy;
  // Clamp guards an rng that returns exactly 1 despite its contract.
  return Math.min(max, min + Math.floor(rng() * (max - min + 1)));
}

/** max-attempts: initialIntervalSeconds doubled after every failure, capped at maxIntervalSeconds. */
export function doublingInterval(policy: ResolvedPolicy, retryNumber: number): number {
  // Doubling stops at the cap, so a large maxRetries override cannot overflow.
  let interval = policy.initialIntervalSeconds;
  for (let r = 2; r <= retryNumber && interval < policy.maxIntervalSeconds; r++) interval *= 2;
  return Math.min(interval, policy.maxIntervalSeconds);
}
