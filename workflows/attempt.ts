// What a failed attempt leads to, decided before the attempt so that the attempt activity can
// store the outcome of a failure in the same write as the attempt itself. Shared by the event
// workflow (first attempts) and the delivery workflow (every later one).
import type { Lane } from '../src/core/domain';
import { deferralDelaySeconds } from '../src/policy/deferral';
import { expiresAtMs } from '../src/policy/expiry';
import { nextAttemptHonouringRetryAfter } from '../src/policy/retryAfter';
import { nextStep } from '../src/policy/schedule';
import type { ResolvedPolicy } from '../src/policy/types';
import type { AttemptInput, AttemptOutcome, DeliveryInput, FailurePlan } from './contracts/delivery';

export interface AttemptPlan {
  failure: FailurePlan;
  /** When the next attempt is due if this one fails; null when a failure ends the delivery. */
  nextAttemptAtMs: number | null;
}

/** The delivery's age limit in workflow time (epoch ms), or null. */
export function deadlineOf(policy: ResolvedPolicy, receivedAt: string): number | null {
  return expiresAtMs(policy, Date.parse(receivedAt));
}

export function planAfterFailure(
  policy: ResolvedPolicy,
  mode: 'schedule' | 'single-attempt',
  attemptNumber: number,
  currentLane: Lane,
  deadlineMs: number | null,
): AttemptPlan {
  if (mode === 'single-attempt') {
    return { failure: { status: 'failed', lane: currentLane, nextAttemptAt: null }, nextAttemptAtMs: null };
  }
  // Math.random and Date.now are deterministic in workflow code (seeded, and workflow time).
  const step = nextStep(policy, attemptNumber, Math.random);
  if (step.kind === 'stop') {
    return { failure: { status: 'failed', lane: currentLane, nextAttemptAt: null }, nextAttemptAtMs: null };
  }
  // Jittered delays have a fraction of a second: whole milliseconds, for the timer and the record.
  const at = Date.now() + Math.round(step.delaySeconds * 1000);
  return { failure: { status: 'pending', lane: step.lane, nextAttemptAt: shownNextAttempt(at, deadlineMs) }, nextAttemptAtMs: at };
}

/** The next attempt as the record shows it: none past the maximum age, where the delivery only waits for its expiry. */
function shownNextAttempt(atMs: number, deadlineMs: number | null): string | null {
  return deadlineMs !== null && atMs >= deadlineMs ? null : new Date(atMs).toISOString();
}

/**
 * The plan once a failed attempt's answer is heard: unchanged (the same object) unless the
 * receiver's Retry-After asks for a later time than the schedule's, within the preset's bound and
 * the deadline (src/policy/retryAfter.ts). A changed plan must be recorded: the attempt stored the old one.
 */
export function planAfterAnswer(policy: ResolvedPolicy, plan: AttemptPlan, outcome: AttemptOutcome, deadlineMs: number | null): AttemptPlan {
  if (outcome.outcome !== 'failed' || outcome.retryAfterSeconds === undefined) return plan;
  if (plan.failure.status !== 'pending' || plan.nextAttemptAtMs === null) return plan;
  const at = nextAttemptHonouringRetryAfter({
    policy,
    lane: plan.failure.lane,
    plannedAtMs: plan.nextAttemptAtMs,
    nowMs: Date.now(),
    retryAfterSeconds: outcome.retryAfterSeconds,
    deadlineMs,
  });
  if (at === plan.nextAttemptAtMs) return plan;
  return { failure: { ...plan.failure, nextAttemptAt: shownNextAttempt(at, deadlineMs) }, nextAttemptAtMs: at };
}

/**
 * When to try again after the `deferrals`-th consecutive deferred attempt (workflow time, epoch
 * ms), given the worker's booking `retryInMs` if it made one.
 */
export function afterDeferral(deferrals: number, retryInMs?: number): number {
  return Date.now() + Math.round(deferralDelaySeconds(deferrals, Math.random, (retryInMs ?? 0) / 1000) * 1000);
}

/** The attempt activity's input for attempt `attemptNumber` of a delivery, with its failure plan. */
export function attemptInput(delivery: DeliveryInput, attemptNumber: number, lane: Lane, onFailure: FailurePlan, deferrals = 0): AttemptInput {
  return {
    deliveryId: delivery.deliveryId,
    workspaceId: delivery.workspaceId,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
    attemptNumber,
    timeoutMs: delivery.policy.timeoutMs,
    lane,
    onFailure,
    ...(deferrals > 0 ? { deferrals } : {}),
  };
}
