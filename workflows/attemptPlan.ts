// What a failed attempt leads to, decided before the attempt so that the attempt activity can
// store the outcome of a failure in the same write as the attempt itself. Shared by the event
// workflow (first attempts) and the delivery workflow (every later one).
import type { Lane } from '../src/domain';
import { expiresAtMs } from '../src/policy/expiry';
import { nextStep } from '../src/policy/schedule';
import type { ResolvedPolicy } from '../src/policy/types';
import type { AttemptInput, DeliveryInput, FailurePlan } from './deliveryTypes';

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
  const at = Date.now() + step.delaySeconds * 1000;
  // Past the maximum age no attempt will happen: the delivery waits for its expiry, showing none.
  const shown = deadlineMs !== null && at >= deadlineMs ? null : new Date(at).toISOString();
  return { failure: { status: 'pending', lane: step.lane, nextAttemptAt: shown }, nextAttemptAtMs: at };
}

/** The attempt activity's input for attempt `attemptNumber` of a delivery, with its failure plan. */
export function attemptInput(delivery: DeliveryInput, attemptNumber: number, lane: Lane, onFailure: FailurePlan): AttemptInput {
  return {
    deliveryId: delivery.deliveryId,
    workspaceId: delivery.workspaceId,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
    attemptNumber,
    timeoutMs: delivery.policy.timeoutMs,
    lane,
    onFailure,
  };
}
