// One delivery = one event to one webhook. The retry schedule is plain workflow code: each attempt
// is one activity execution without Temporal retries, and durable timers wait between attempts.
import { allHandlersFinished, condition, makeContinueAsNewFunc, setHandler, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { DeliveryStatus, Lane } from '../src/core/domain';
import { HERALD_DELIVERY_STATUS } from './contracts/searchAttributes';
import { afterAttempt, afterDeferral, attemptActivities, attemptInput, brokenAttempt, deadlineOf, planIfFails } from './attempt';
import { cancelSignal, laneOf, retryNowSignal, statusQuery, type AttemptOutcome, type DeliveryInput, type DeliveryStatusView } from './contracts/delivery';

const DEFAULT_HISTORY_EVENT_LIMIT = 4000;

export async function deliveryWorkflow(input: DeliveryInput): Promise<DeliveryStatusView> {
  const { policy } = input;
  const activities = attemptActivities('regular', policy);
  const { deliverAttempt, recordDeliveryStatus } = activities;

  // A recovery's resend is attempted whatever the delivery's age.
  const deadlineMs = input.ignoreMaxAge ? null : deadlineOf(policy, input.receivedAt);
  let status: DeliveryStatus = 'pending';
  let lane: Lane = laneOf(input);
  let attemptsMade = input.state?.attemptsMade ?? 0;
  let nextAttemptAtMs: number | null = input.state?.nextAttemptAtMs ?? Date.now();
  // Consecutive attempts the worker deferred (the webhook at its in-flight cap): they set the next wait.
  let deferrals = input.state?.deferrals ?? 0;
  let retryRequested = false;
  let cancelRequested = false;

  const view = (): DeliveryStatusView => ({
    status,
    lane,
    attemptsMade,
    nextAttemptAt:
      status === 'pending' && nextAttemptAtMs !== null && (deadlineMs === null || nextAttemptAtMs < deadlineMs)
        ? new Date(nextAttemptAtMs).toISOString()
        : null,
  });
  setHandler(statusQuery, view);
  setHandler(retryNowSignal, () => {
    retryRequested = true;
  });
  setHandler(cancelSignal, () => {
    cancelRequested = true;
  });

  /** Ends the run; `recorded`: the attempt activity already wrote this end state with the attempt. */
  const finish = async (final: DeliveryStatus, { recorded }: { recorded: boolean }): Promise<DeliveryStatusView> => {
    status = final;
    if (!recorded) {
      await recordDeliveryStatus({ deliveryId: input.deliveryId, status: final, lane, nextAttemptAt: null });
    }
    upsertSearchAttributes([{ key: HERALD_DELIVERY_STATUS, value: final }]);
    return view();
  };

  const historyEventLimit = input.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT;
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= historyEventLimit;
  const continueAsNew = async () => {
    await condition(allHandlersFinished);
    // Without an explicit memo the next run gets the one the first run started with, losing the
    // upserted lane (seen on the dev server and the test server): pass the current one on.
    return makeContinueAsNewFunc<typeof deliveryWorkflow>({ memo: { ...workflowInfo().memo, lane } })({
      ...input,
      state: { attemptsMade, lane, nextAttemptAtMs: nextAttemptAtMs ?? undefined, ...(deferrals > 0 ? { deferrals } : {}) },
    });
  };

  for (;;) {
    // Wait for the scheduled attempt, unless told to retry now or cancel. Nothing is attempted
    // past the policy's maximum age.
    if (nextAttemptAtMs !== null && nextAttemptAtMs > Date.now()) {
      const wakeAt = deadlineMs === null ? nextAttemptAtMs : Math.min(nextAttemptAtMs, deadlineMs);
      await condition(() => retryRequested || cancelRequested, Math.max(wakeAt - Date.now(), 1));
    }
    if (cancelRequested) return finish('cancelled', { recorded: false });
    if (deadlineMs !== null && Date.now() >= deadlineMs) return finish('expired', { recorded: false });
    retryRequested = false;

    const attemptNumber = attemptsMade + 1;
    const plan = planIfFails(policy, input.mode ?? 'schedule', attemptNumber, lane, deadlineMs);
    let outcome: AttemptOutcome;
    try {
      outcome = await deliverAttempt(attemptInput(input, attemptNumber, lane, plan, deferrals));
    } catch (error) {
      outcome = brokenAttempt(activities, error);
      await recordDeliveryStatus({ deliveryId: input.deliveryId, ...plan.record });
    }
    const next = afterAttempt(policy, plan, outcome, deadlineMs, cancelRequested);
    if (next.next === 'defer') {
      // Nothing was sent or recorded: the same attempt, after a short wait that grows while the
      // webhook stays at its cap. Cancel, retryNow and the deadline apply to the wait as to any.
      deferrals += 1;
      nextAttemptAtMs = afterDeferral(deferrals, next.retryInMs);
      if (historyFull()) return continueAsNew();
      continue;
    }
    deferrals = 0;
    attemptsMade = attemptNumber;
    if (next.next === 'end') return finish(next.status, { recorded: next.recorded });

    // The record shows the time the attempt stored until corrected.
    if (next.corrected) await recordDeliveryStatus({ deliveryId: input.deliveryId, ...next.corrected });
    if (next.lane !== lane) {
      lane = next.lane;
      upsertMemo({ lane });
    }
    nextAttemptAtMs = next.nextAttemptAtMs;

    if (historyFull()) return continueAsNew();
  }
}
