// One delivery = one event to one webhook. The retry schedule is plain workflow code: each attempt
// is one activity execution without Temporal retries, and durable timers wait between attempts.
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeliveryStatus, Lane } from '../src/core/domain';
import { HERALD_DELIVERY_STATUS } from './contracts/searchAttributes';
import { afterDeferral, attemptInput, deadlineOf, planAfterAnswer, planAfterFailure } from './attempt';
import type { DeliveryActivities } from './contracts/activities';
import { cancelSignal, retryNowSignal, statusQuery, type AttemptOutcome, type DeliveryInput, type DeliveryStatusView } from './contracts/delivery';

type Activities = DeliveryActivities;

/** Store writes are idempotent, so Temporal may retry them; HTTP attempts are never retried by Temporal. */
const { recordDeliveryStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const DEFAULT_HISTORY_EVENT_LIMIT = 4000;

export async function deliveryWorkflow(input: DeliveryInput): Promise<DeliveryStatusView> {
  const { policy } = input;
  const { deliverAttempt } = proxyActivities<Activities>({
    // A little above the HTTP timeout: the activity also loads the target and records the attempt.
    startToCloseTimeout: policy.timeoutMs + 10_000,
    retry: { maximumAttempts: 1 },
  });

  const deadlineMs = deadlineOf(policy, input.receivedAt);
  let status: DeliveryStatus = 'pending';
  let lane: Lane = input.state?.lane ?? 'priority';
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

  const finish = async (final: DeliveryStatus, recorded: boolean): Promise<DeliveryStatusView> => {
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
    if (cancelRequested) return finish('cancelled', false);
    if (deadlineMs !== null && Date.now() >= deadlineMs) return finish('expired', false);
    retryRequested = false;

    const attemptNumber = attemptsMade + 1;
    const plan = planAfterFailure(policy, input.mode ?? 'schedule', attemptNumber, lane, deadlineMs);
    let result: AttemptOutcome;
    try {
      result = await deliverAttempt(attemptInput(input, attemptNumber, lane, plan.failure, deferrals));
    } catch (error) {
      // The activity itself broke (worker lost, store down): count it as a failed attempt.
      if (!(error instanceof ActivityFailure)) throw error;
      result = { outcome: 'failed', errorKind: 'other' };
      await recordDeliveryStatus({ deliveryId: input.deliveryId, ...plan.failure });
    }
    if (result.outcome === 'deferred') {
      // Nothing was sent or recorded: the same attempt, after a short wait that grows while the
      // webhook stays at its cap. Cancel, retryNow and the deadline apply to the wait as to any.
      deferrals += 1;
      nextAttemptAtMs = afterDeferral(deferrals, result.retryInMs);
      if (historyFull()) return continueAsNew();
      continue;
    }
    deferrals = 0;
    attemptsMade = attemptNumber;

    if (result.outcome === 'succeeded') return finish('succeeded', true);
    if (result.outcome === 'webhook-missing') return finish('cancelled', false);
    if (result.outcome === 'cancelled') return finish('cancelled', true);
    if (result.outcome === 'webhook-inactive') {
      // Switched off: the delivery waits in the webhook's buffer, and its health workflow gives it
      // a new run, with this attempt count and lane, when the webhook is activated with a replay.
      return finish('buffered', false);
    }
    if (cancelRequested) return finish('cancelled', false);
    if (plan.failure.status !== 'pending' || plan.nextAttemptAtMs === null) return finish(plan.failure.status, true);

    // A Retry-After that moves the next attempt: the record shows the time the attempt stored until corrected.
    const answered = planAfterAnswer(policy, plan, result, deadlineMs);
    if (answered !== plan) await recordDeliveryStatus({ deliveryId: input.deliveryId, ...answered.failure });

    if (answered.failure.lane !== lane) {
      lane = answered.failure.lane;
      upsertMemo({ lane });
    }
    nextAttemptAtMs = answered.nextAttemptAtMs;

    if (historyFull()) return continueAsNew();
  }
}
