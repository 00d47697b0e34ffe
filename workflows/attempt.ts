// One attempt of a delivery and its aftermath, shared by the delivery workflow (retries, regular
// activities) and handOver.ts (first attempts and replays, local activities). What a failure
// leads to is planned before the attempt, so that the activity stores it in the same write as the
// attempt itself; after the answer, only a Retry-After can change it.
import { ActivityFailure, isCancellation, proxyActivities, proxyLocalActivities, TemporalFailure } from '@temporalio/workflow';
import type { DeliveryStatus, Lane } from '../src/core/domain';
import { deferralDelaySeconds } from '../src/policy/deferral';
import { expiresAtMs } from '../src/policy/expiry';
import { nextAttemptHonouringRetryAfter } from '../src/policy/retryAfter';
import { nextStep } from '../src/policy/schedule';
import type { ResolvedPolicy } from '../src/policy/types';
import type { DeliveryActivities } from './contracts/activities';
import type { AttemptInput, AttemptOutcome, DeliveryInput, FailureRecord } from './contracts/delivery';

/** The delivery's age limit in workflow time (epoch ms), or null. */
export function deadlineOf(policy: ResolvedPolicy, receivedAt: string): number | null {
  return expiresAtMs(policy, Date.parse(receivedAt));
}

/** What a failure of the coming attempt leads to. */
export interface FailurePlan {
  /** What the attempt activity stores if the attempt fails. */
  record: FailureRecord;
  /** When the next attempt is due if this one fails; null when a failure ends the delivery. */
  nextAttemptAtMs: number | null;
}

/** Planned before the attempt; `single-attempt` (a manual retry of a failed delivery) never retries. */
export function planIfFails(
  policy: ResolvedPolicy,
  mode: 'schedule' | 'single-attempt',
  attemptNumber: number,
  currentLane: Lane,
  deadlineMs: number | null,
): FailurePlan {
  if (mode === 'single-attempt') {
    return { record: { status: 'failed', lane: currentLane, nextAttemptAt: null }, nextAttemptAtMs: null };
  }
  // Math.random and Date.now are deterministic in workflow code (seeded, and workflow time).
  const step = nextStep(policy, attemptNumber, Math.random);
  if (step.kind === 'stop') {
    return { record: { status: 'failed', lane: currentLane, nextAttemptAt: null }, nextAttemptAtMs: null };
  }
  // Jittered delays have a fraction of a second: whole milliseconds, for the timer and the record.
  const at = Date.now() + Math.round(step.delaySeconds * 1000);
  return { record: { status: 'pending', lane: step.lane, nextAttemptAt: shownNextAttempt(at, deadlineMs) }, nextAttemptAtMs: at };
}

/** The next attempt as the record shows it: none past the maximum age, where the delivery only waits for its expiry. */
function shownNextAttempt(atMs: number, deadlineMs: number | null): string | null {
  return deadlineMs !== null && atMs >= deadlineMs ? null : new Date(atMs).toISOString();
}

/**
 * When to try again after the `deferrals`-th consecutive deferred attempt (workflow time, epoch
 * ms), given the worker's booking `retryInMs` if it made one.
 */
export function afterDeferral(deferrals: number, retryInMs?: number): number {
  return Date.now() + Math.round(deferralDelaySeconds(deferrals, Math.random, (retryInMs ?? 0) / 1000) * 1000);
}

/** The attempt's activity runs a little longer than its HTTP request: it also loads the target and records the attempt. */
const ATTEMPT_OVERHEAD_MS = 10_000;

/** The attempt's two activities, as plain functions for the workflow to call. */
export interface AttemptActivities {
  deliverAttempt: DeliveryActivities['deliverAttempt'];
  recordDeliveryStatus: DeliveryActivities['recordDeliveryStatus'];
  /** Whether an error from deliverAttempt is the activity itself breaking (a failed attempt), rather than one to rethrow. */
  broke: (error: unknown) => boolean;
}

/**
 * The attempt's activities as regular activities (the delivery's own workflow) or local ones (a
 * workflow that attempts on the delivery's behalf). HTTP attempts are never retried by Temporal;
 * store writes are idempotent, so Temporal may retry them.
 */
export function attemptActivities(kind: 'regular' | 'local', policy: ResolvedPolicy): AttemptActivities {
  const attempt = { startToCloseTimeout: policy.timeoutMs + ATTEMPT_OVERHEAD_MS, retry: { maximumAttempts: 1 } };
  if (kind === 'regular') {
    const { deliverAttempt } = proxyActivities<DeliveryActivities>(attempt);
    const { recordDeliveryStatus } = proxyActivities<DeliveryActivities>({
      startToCloseTimeout: '30 seconds',
      retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
    });
    return { deliverAttempt, recordDeliveryStatus, broke: (error) => error instanceof ActivityFailure };
  }
  const { deliverAttempt } = proxyLocalActivities<DeliveryActivities>(attempt);
  // A local activity that fails is retried by the SDK in place.
  const { recordDeliveryStatus } = proxyLocalActivities<DeliveryActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
  });
  // A local activity's failure arrives as the failure itself (application error, timeout), not
  // wrapped in an ActivityFailure; a cancellation is the workflow's, not the attempt's.
  return { deliverAttempt, recordDeliveryStatus, broke: (error) => error instanceof TemporalFailure && !isCancellation(error) };
}

/**
 * The activity itself broke (worker lost, store down): a failed attempt, retried on the schedule,
 * whose failure plan the caller records since the activity could not. Any other error is rethrown.
 */
export function brokenAttempt(activities: AttemptActivities, error: unknown): AttemptOutcome {
  if (!activities.broke(error)) throw error;
  return { outcome: 'failed', errorKind: 'other' };
}

/** The attempt activity's input for attempt `attemptNumber` of a delivery, with its failure plan. */
export function attemptInput(delivery: DeliveryInput, attemptNumber: number, lane: Lane, plan: FailurePlan, deferrals = 0): AttemptInput {
  return {
    deliveryId: delivery.deliveryId,
    workspaceId: delivery.workspaceId,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
    attemptNumber,
    timeoutMs: delivery.policy.timeoutMs,
    lane,
    onFailure: plan.record,
    ...(deferrals > 0 ? { deferrals } : {}),
  };
}

/** Where a delivery stands after an attempt. */
export type AfterAttempt =
  /** Not made (the webhook at its in-flight cap): the same attempt comes again after a wait. */
  | { next: 'defer'; retryInMs?: number }
  /** `recorded`: the delivery's record shows `status` already; otherwise the caller writes it. */
  | { next: 'end'; status: DeliveryStatus; recorded: boolean }
  /** `corrected`: a Retry-After moved the next attempt; the caller records it, as the attempt stored the plan. */
  | { next: 'retry'; lane: Lane; nextAttemptAtMs: number; corrected?: FailureRecord };

/**
 * The outcome of an attempt as the delivery's next step. Pure, so the callers keep their awaits,
 * and with them the order of commands among attempts that run side by side. `cancelRequested`:
 * a cancel asked while the attempt ran ends a failed delivery instead of retrying it.
 */
export function afterAttempt(
  policy: ResolvedPolicy,
  plan: FailurePlan,
  outcome: AttemptOutcome,
  deadlineMs: number | null,
  cancelRequested = false,
): AfterAttempt {
  switch (outcome.outcome) {
    case 'deferred':
      return { next: 'defer', ...(outcome.retryInMs !== undefined ? { retryInMs: outcome.retryInMs } : {}) };
    case 'succeeded':
      return { next: 'end', status: 'succeeded', recorded: true };
    case 'cancelled':
      return { next: 'end', status: 'cancelled', recorded: true };
    case 'webhook-missing':
      return { next: 'end', status: 'cancelled', recorded: false };
    case 'webhook-inactive':
      // Switched off: the delivery waits in the webhook's buffer, and its health workflow gives it
      // a new run, with this attempt count and lane, when the webhook is activated with a replay.
      return { next: 'end', status: 'buffered', recorded: false };
  }
  if (cancelRequested) return { next: 'end', status: 'cancelled', recorded: false };
  const { record, nextAttemptAtMs: plannedAtMs } = plan;
  if (record.status !== 'pending' || plannedAtMs === null) return { next: 'end', status: record.status, recorded: true };
  if (outcome.retryAfterSeconds === undefined) return { next: 'retry', lane: record.lane, nextAttemptAtMs: plannedAtMs };

  // The receiver's Retry-After, when later than the schedule's time, within the preset's bound and the deadline.
  const at = nextAttemptHonouringRetryAfter({
    policy,
    lane: record.lane,
    plannedAtMs,
    nowMs: Date.now(),
    retryAfterSeconds: outcome.retryAfterSeconds,
    deadlineMs,
  });
  if (at === plannedAtMs) return { next: 'retry', lane: record.lane, nextAttemptAtMs: plannedAtMs };
  return { next: 'retry', lane: record.lane, nextAttemptAtMs: at, corrected: { ...record, nextAttemptAt: shownNextAttempt(at, deadlineMs) } };
}
