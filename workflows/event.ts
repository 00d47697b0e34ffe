// One workflow per ingested event, id event/{ws}/{eventId}: it makes the first attempt of every
// delivery of the event at once, as local activities, and hands each delivery that needs a retry
// to a deliveryWorkflow of its own (delivery/{ws}/{eventId}/{webhookId}), started as an abandoned
// child that carries on the schedule. An event delivered at the first try costs the engine one
// workflow and one workflow task, whatever its fan-out; its history shows every first attempt.
import {
  isCancellation,
  ParentClosePolicy,
  proxyLocalActivities,
  startChild,
} from '@temporalio/workflow';
import { TemporalFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createActivities } from '../activities';
import type { DeliveryStatus } from '../src/domain';
import type { ResolvedPolicy } from '../src/policy/types';
import { deliverySearchAttributes } from '../src/temporal/searchAttributes';
import { attemptInput, deadlineOf, planAfterFailure } from './attemptPlan';
import { deliveryWorkflow } from './delivery';
import type { AttemptOutcome, DeliveryInput } from './deliveryTypes';

type Activities = ReturnType<typeof createActivities>;

export interface EventTarget {
  deliveryId: string;
  webhookId: string;
  policy: ResolvedPolicy;
  /** Shown in the Web UI for the delivery's own workflow, if it needs one. */
  summary: string;
}

export interface EventInput {
  workspaceId: string;
  eventId: string;
  eventType: string;
  receivedAt: string; // ISO; maxAgeSeconds counts from here
  targets: EventTarget[];
}

/** Where each delivery stands when the event workflow is done with it. */
export type FirstAttemptResult = DeliveryStatus | 'retrying';

export interface EventResult {
  deliveries: Array<{ deliveryId: string; result: FirstAttemptResult }>;
}

/** Store writes are idempotent; a local activity that fails is retried by the SDK in place. */
const { recordDeliveryStatus } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});

export async function eventWorkflow(input: EventInput): Promise<EventResult> {
  const results = await Promise.all(input.targets.map((target) => firstAttempt(input, target)));
  return { deliveries: input.targets.map((target, i) => ({ deliveryId: target.deliveryId, result: results[i]! })) };
}

async function firstAttempt(event: EventInput, target: EventTarget): Promise<FirstAttemptResult> {
  const { policy } = target;
  const deliveryInput: DeliveryInput = {
    workspaceId: event.workspaceId,
    webhookId: target.webhookId,
    eventId: event.eventId,
    eventType: event.eventType,
    deliveryId: target.deliveryId,
    receivedAt: event.receivedAt,
    policy,
  };
  const record = (status: DeliveryStatus) =>
    recordDeliveryStatus({ deliveryId: target.deliveryId, status, lane: 'priority', nextAttemptAt: null }).then(() => status);

  const deadlineMs = deadlineOf(policy, event.receivedAt);
  // Only when this workflow started long after the event (a reconciled start): nothing past the age limit.
  if (deadlineMs !== null && Date.now() >= deadlineMs) return record('expired');

  const plan = planAfterFailure(policy, 'schedule', 1, 'priority', deadlineMs);
  const { deliverAttempt } = proxyLocalActivities<Activities>({
    // A little above the HTTP timeout: the activity also loads the target and records the attempt.
    startToCloseTimeout: policy.timeoutMs + 10_000,
    retry: { maximumAttempts: 1 },
  });
  let outcome: AttemptOutcome;
  try {
    outcome = await deliverAttempt(attemptInput(deliveryInput, 1, 'priority', plan.failure));
  } catch (error) {
    // The activity itself broke (store down): a failed attempt, retried on the schedule. A local
    // activity's failure arrives as the failure itself (application error, timeout), not wrapped.
    if (!(error instanceof TemporalFailure) || isCancellation(error)) throw error;
    outcome = { outcome: 'failed', errorKind: 'other' };
    await recordDeliveryStatus({ deliveryId: target.deliveryId, ...plan.failure });
  }

  switch (outcome.outcome) {
    case 'succeeded':
      return 'succeeded';
    case 'cancelled':
      return 'cancelled';
    case 'webhook-missing':
      return record('cancelled');
    case 'webhook-inactive':
      return record('buffered');
    case 'failed':
      if (plan.failure.status !== 'pending' || plan.nextAttemptAtMs === null) return plan.failure.status;
  }

  try {
    await startChild(deliveryWorkflow, {
      workflowId: target.deliveryId,
      args: [{ ...deliveryInput, state: { attemptsMade: 1, lane: plan.failure.lane, nextAttemptAtMs: plan.nextAttemptAtMs } }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      memo: { summary: target.summary, lane: plan.failure.lane },
      typedSearchAttributes: deliverySearchAttributes(event.workspaceId, target.webhookId, event.eventType, 'pending'),
    });
  } catch (error) {
    // A run with this id exists already (a manual retry got there first): it owns the delivery now.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return 'retrying';
}
