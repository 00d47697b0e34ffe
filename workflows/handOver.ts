// One attempt of a delivery made by a workflow other than the delivery's own, then, if the
// schedule calls for a retry, the delivery handed to a deliveryWorkflow of its own (started as an
// abandoned child carrying the schedule's state). The event workflow makes every first attempt
// this way; the endpoint-health workflow makes the next attempt of each delivery it replays. An
// attempt the worker deferred (its webhook at the in-flight cap) is handed over the same way,
// uncounted, to be tried again after a short wait.
import { ParentClosePolicy, sleep, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { DeliveryStatus } from '../src/core/domain';
import { afterAttempt, afterDeferral, attemptActivities, attemptInput, brokenAttempt, deadlineOf, planIfFails } from './attempt';
import { deliveryWorkflow } from './delivery';
import { deliveryStartOptions, laneOf, type AttemptOutcome, type DeliveryInput, type DeliveryState, type HandOverResult } from './contracts/delivery';

export interface HandOverOptions {
  /** Shown in the Web UI for the delivery's own workflow, if it needs one. */
  summary: string;
  /**
   * A run with the delivery's id still open: `leave` it (a manual retry got there first), or
   * `wait` for it to close (a replayed delivery's previous run, closing as it was buffered).
   */
  ifRunOpen: 'leave' | 'wait';
  /**
   * An earlier workflow task of this run may have started the attempt already: then the activity
   * reads the delivery's record before sending (see AttemptInput.checkRecorded).
   */
  checkRecorded: boolean;
}

/** A run's first workflow task sees three history events: the run's start, and the task's scheduling and start. */
const FIRST_TASK_HISTORY_LENGTH = 3;

/**
 * Whether this is the run's first workflow task. A later one may be a timed-out task run again
 * (by another worker, or after an eviction), whose local activities ran once already without
 * their results reaching the history.
 */
export function isFirstWorkflowTask(): boolean {
  return workflowInfo().historyLength <= FIRST_TASK_HISTORY_LENGTH;
}

const RUN_CLOSE_WAIT = '2 seconds';
const RUN_CLOSE_TRIES = 30;

export async function attemptAndHandOver(input: DeliveryInput, options: HandOverOptions): Promise<HandOverResult> {
  const { policy } = input;
  const activities = attemptActivities('local', policy);
  const { deliverAttempt, recordDeliveryStatus } = activities;
  const lane = laneOf(input);
  const attemptNumber = (input.state?.attemptsMade ?? 0) + 1;
  const record = (status: DeliveryStatus) => recordDeliveryStatus({ deliveryId: input.deliveryId, status, lane, nextAttemptAt: null }).then(() => status);

  const deadlineMs = deadlineOf(policy, input.receivedAt);
  // Only when this workflow runs long after the event (a reconciled start, a replay): nothing past the age limit.
  if (deadlineMs !== null && Date.now() >= deadlineMs) return record('expired');

  const plan = planIfFails(policy, 'schedule', attemptNumber, lane, deadlineMs);
  let outcome: AttemptOutcome;
  try {
    outcome = await deliverAttempt({ ...attemptInput(input, attemptNumber, lane, plan), ...(options.checkRecorded ? { checkRecorded: true } : {}) });
  } catch (error) {
    outcome = brokenAttempt(activities, error);
    await recordDeliveryStatus({ deliveryId: input.deliveryId, ...plan.record });
  }

  const next = afterAttempt(policy, plan, outcome, deadlineMs);
  if (next.next === 'defer') {
    // Not made, not counted: the delivery's own workflow makes this attempt after the first deferral's wait.
    return handOver(input, { attemptsMade: attemptNumber - 1, lane, nextAttemptAtMs: afterDeferral(1, next.retryInMs), deferrals: 1 }, options);
  }
  if (next.next === 'end') return next.recorded ? next.status : record(next.status);

  // The record shows the time the attempt stored until corrected.
  if (next.corrected) await recordDeliveryStatus({ deliveryId: input.deliveryId, ...next.corrected });
  return handOver(input, { attemptsMade: attemptNumber, lane: next.lane, nextAttemptAtMs: next.nextAttemptAtMs }, options);
}

/** Starts the delivery's own workflow, an abandoned child, to go on from `state`. */
async function handOver(input: DeliveryInput, state: DeliveryState, options: HandOverOptions): Promise<HandOverResult> {
  for (let tries = 1; ; tries++) {
    try {
      const handedOver: DeliveryInput = { ...input, state };
      await startChild(deliveryWorkflow, {
        ...deliveryStartOptions(handedOver, options.summary),
        args: [handedOver],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      return 'retrying';
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      if (options.ifRunOpen === 'leave' || tries >= RUN_CLOSE_TRIES) return 'retrying';
      await sleep(RUN_CLOSE_WAIT);
    }
  }
}
