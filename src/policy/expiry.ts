// A delivery's age limit (maxAgeSeconds), counted from the event's arrival, not from the first
// attempt: a receiver that comes back after the limit must not get stale events. The workflow
// passes its own clock (workflow time), so these stay pure.

import type { ResolvedPolicy } from './types';

/** When nothing more may be attempted, in epoch ms; null when the policy has no age limit. */
export function expiresAtMs(policy: ResolvedPolicy, receivedAtMs: number): number | null {
  return policy.maxAgeSeconds === null ? null : receivedAtMs + policy.maxAgeSeconds * 1000;
}

/** True once the event is at least maxAgeSeconds old: no attempt is made, the delivery is `expired`. */
export function isExpired(policy: ResolvedPolicy, receivedAtMs: number, nowMs: number): boolean {
  const expiresAt = expiresAtMs(policy, receivedAtMs);
  return expiresAt !== null && nowMs >= expiresAt;
}

/**
 * Seconds left before expiry, rounded up so it is 0 exactly when isExpired is true; null without
 * a limit. Lets the workflow see whether the next retry would fire after the event has expired.
 */
export function remainingAgeSeconds(policy: ResolvedPolicy, receivedAtMs: number, nowMs: number): number | null {
  const expiresAt = expiresAtMs(policy, receivedAtMs);
  return expiresAt === null ? null : Math.max(0, Math.ceil((expiresAt - nowMs) / 1000));
}
