// One attempt of a delivery made by a workflow other than the delivery's own, then, if the
// schedule calls for a retry, the delivery handed to a deliveryWorkflow of its own (started as an
// abandoned child carrying the schedule's state). The event workflow makes every first attempt
// this way; the endpoint-health workflow makes the next attempt of each delivery it replays. An
// attempt the worker deferred (its webhook at the in-flight cap) is handed over the same way,
// uncounted, to be tried again after a short wait.
import { isCancellation, ParentClosePolicy, proxyLocalActivities, sleep, startChild } from '@temporalio/workflow';
import { TemporalFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { DeliveryStatus } from '../src/core/domain';
import { deliverySearchAttributes } from './contracts/searchAttributes';
import { afterDeferral, attemptInput, deadlineOf, planAfterAnswer, planAfterFailure } from './attempt';
import { deliveryWorkflow } from './delivery';
import type { DeliveryActivities } from './contracts/activities';
import type { AttemptOutcome, DeliveryInput, DeliveryState, HandOverResult } from './contracts/delivery';

type Activities = DeliveryActivities;

/** Store writes are idempotent; a local activity that fails is retried by the SDK in place. */
const { recordDeliveryStatus } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});

export interface HandOverOptions {
  /** Shown in the Web UI for the delivery's own workflow, if it needs one. */
  summary: string;
  /**
   * A run with the delivery's id still open: `leave` it (a manual retry got there first), or
   * `wait` for it to close (a replayed delivery's previous run, closing as it was buffered).
   */
  ifRunOpen: 'leave' | 'wait';
}

const RUN_CLOSE_WAIT = '2 seconds';
const RUN_CLOSE_TRIES = 30;

export async function attemptAndHandOver(input: DeliveryInput, options: HandOverOptions): Promise<HandOverResult> {
  const { policy } = input;
  const lane = input.state?.lane ?? 'priority';
  const attemptNumber = (input.state?.attemptsMade ?? 0) + 1;
  const record = (status: DeliveryStatus) => recordDeliveryStatus({ deliveryId: input.deliveryId, status, lane, nextAttemptAt: null }).then(() => status);

  const deadlineMs = deadlineOf(policy, input.receivedAt);
  // Only when this workflow runs long after the event (a reconciled start, a replay): nothing past the age limit.
  if (deadlineMs !== null && Date.now() >= deadlineMs) return record('expired');

  const plan = planAfterFailure(policy, 'schedule', attemptNumber, lane, deadlineMs);
  // A little above the HTTP timeout: the activity also loads the target and records the attempt.
  const startToCloseTimeout = policy.timeoutMs + 10_000;
  const { deliverAttempt } = proxyLocalActivities<Activities>({ startToCloseTimeout, retry: { maximumAttempts: 1 } });
  let outcome: AttemptOutcome;
  try {
    outcome = await deliverAttempt(attemptInput(input, attemptNumber, lane, plan.failure));
  } catch (error) {
    // The activity itself broke (store down): a failed attempt, retried on the schedule. A local
    // activity's failure arrives as the failure itself (application error, timeout), not wrapped.
    if (!(error instanceof TemporalFailure) || isCancellation(error)) throw error;
    outcome = { outcome: 'failed', errorKind: 'other' };
    await recordDeliveryStatus({ deliveryId: input.deliveryId, ...plan.failure });
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
    case 'deferred':
      // Not made, not counted: the delivery's own workflow makes this attempt after the first deferral's wait.
      return handOver(input, { attemptsMade: attemptNumber - 1, lane, nextAttemptAtMs: afterDeferral(1, outcome.retryInMs), deferrals: 1 }, options);
    case 'failed':
      if (plan.failure.status !== 'pending' || plan.nextAttemptAtMs === null) return plan.failure.status;
  }

  // A Retry-After that moves the next attempt: the record shows the time the attempt stored until corrected.
  const answered = planAfterAnswer(policy, plan, outcome, deadlineMs);
  if (answered !== plan) await recordDeliveryStatus({ deliveryId: input.deliveryId, ...answered.failure });
  return handOver(input, { attemptsMade: attemptNumber, lane: answered.failure.lane, nextAttemptAtMs: answered.nextAttemptAtMs ?? undefined }, options);
}

/** Starts the delivery's own workflow, an abandoned child, to go on from `state`. */
async function handOver(input: DeliveryInput, state: DeliveryState, options: HandOverOptions): Promise<HandOverResult> {
  for (let tries = 1; ; tries++) {
    try {
      await startChild(deliveryWorkflow, {
        workflowId: input.deliveryId,
        args: [{ ...input, state }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        memo: { summary: options.summary, lane: state.lane },
        typedSearchAttributes: deliverySearchAttributes(input.workspaceId, input.webhookId, input.eventType, 'pending'),
      });
      return 'retrying';
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      if (options.ifRunOpen === 'leave' || tries >= RUN_CLOSE_TRIES) return 'retrying';
      await sleep(RUN_CLOSE_WAIT);
    }
  }
}
