// One recovery, id recovery/{ws}/{recoveryId}: resends a webhook's deliveries that ended failed,
// expired, dropped or discarded in a time range, strictly one after the other in their events'
// order (receipt time, then id). Each resend is what a manual retry starts (resendRun): the
// delivery's own workflow, a new run with the same id, making one fresh attempt; this workflow
// waits for that run to end before it claims the next delivery. The deliveries are read a
// bounded page at a time; the counts are mirrored to the recovery's record after each one.
//
// Durability: everything this workflow has done is in its history. A worker killed in the
// middle is replaced by any other (or itself, restarted), which replays the history: activities
// that completed are not run again, a child run that was started is not started again (its start
// is a recorded command, and the run goes on by itself while no worker runs this one) and its
// result arrives when the replayed workflow awaits it. Only an activity in flight when the worker
// died runs again, and each is idempotent: the record is created once, a claim repeated by the
// same recovery holds, counts are written as absolute values. So nothing is lost or resent twice.
// Continue-as-new carries the cursor and the counts, so a large range keeps a short history.
import {
  allHandlersFinished,
  ChildWorkflowFailure,
  condition,
  executeChild,
  makeContinueAsNewFunc,
  ParentClosePolicy,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { DeliveryStatus } from '../src/core/domain';
import type { RecoveryActivities } from './contracts/activities';
import { deliveryInput, deliveryStartOptions, resendRun } from './contracts/delivery';
import type { RecoverableItem, RecoveryInput, RecoveryPage, RecoveryProgress, RecoveryResult } from './contracts/recovery';
import { deliverySummary } from './contracts/summaries';
import { deliveryWorkflow } from './delivery';

/** Store reads and writes, idempotent: Temporal retries them until the store answers. */
const { beginRecovery, recoveryPage, claimForRecovery, recordRecoveryProgress, finishRecovery } = proxyActivities<RecoveryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Deliveries read per page: bounded, so one activity's answer stays small. */
export const RECOVERY_PAGE_SIZE = 50;
const DEFAULT_HISTORY_EVENT_LIMIT = 2000;
/** The delivery's previous run closes a moment after its record says it ended: how long to wait for it. */
const RUN_CLOSE_WAIT = '2 seconds';
const RUN_CLOSE_TRIES = 30;

type LoadedPage = Extract<RecoveryPage, { missing: false }>;
/** How one delivery's turn ended: the resent run's end state, or skipped. */
type Turn = DeliveryStatus | 'skipped';

export async function recoveryWorkflow(input: RecoveryInput): Promise<RecoveryResult> {
  const progress: RecoveryProgress = input.progress ?? { matched: null, resent: 0, skipped: 0, succeeded: 0, after: null };
  const { workspaceId, webhookId, recoveryId, sinceMs, untilMs, statuses } = input;
  const scope = { workspaceId, webhookId, recoveryId, sinceMs, untilMs, statuses };
  const pageSize = input.pageSize ?? RECOVERY_PAGE_SIZE;
  const historyEventLimit = input.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT;
  const counts = () => ({ workspaceId, recoveryId, resent: progress.resent, skipped: progress.skipped, succeeded: progress.succeeded });

  const end = async (state: RecoveryResult['state'], error?: string): Promise<RecoveryResult> => {
    await finishRecovery({ ...counts(), state, finishedAtMs: Date.now(), ...(error !== undefined ? { error } : {}) });
    const { matched, resent, skipped, succeeded } = progress;
    return { state, matched, resent, skipped, succeeded, ...(error !== undefined ? { error } : {}) };
  };

  if (progress.matched === null) {
    const begun = await beginRecovery(input);
    if (begun.missing) return end('failed', 'the webhook was deleted');
    progress.matched = begun.matched;
  }

  for (;;) {
    const page = await recoveryPage({ ...scope, after: progress.after, limit: pageSize });
    if (page.missing) return end('failed', 'the webhook was deleted during the recovery');
    for (const item of page.items) {
      const turn = await resend(input, page, item);
      progress.after = { createdAtMs: item.createdAtMs, deliveryId: item.deliveryId };
      if (turn === 'skipped') {
        progress.skipped += 1;
      } else {
        progress.resent += 1;
        if (turn === 'succeeded') progress.succeeded += 1;
      }
      await recordRecoveryProgress(counts());
      if (turn === 'buffered') {
        // The webhook was switched off meanwhile: that delivery waits in its buffer like any other;
        // the rest would only join it, out of the recovery's sight. Stop, and say so.
        return end('failed', 'the webhook was switched off during the recovery; activate it and recover the rest');
      }
      if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= historyEventLimit) {
        await condition(allHandlersFinished);
        return makeContinueAsNewFunc<typeof recoveryWorkflow>()({ ...input, progress });
      }
    }
    // A short page is the last: nothing created after `until` belongs to the range.
    if (page.items.length < pageSize) return end('completed');
  }
}

/** One delivery's turn: claimed, then resent by a run of its own, whose end this waits for. */
async function resend(input: RecoveryInput, page: LoadedPage, item: RecoverableItem): Promise<Turn> {
  // A delivery whose event retention deleted has nothing left to send.
  if (item.receivedAt === undefined) return 'skipped';
  if (!(await claimForRecovery({ deliveryId: item.deliveryId, statuses: input.statuses, claim: workflowInfo().workflowId }))) return 'skipped';
  const delivery = deliveryInput(
    { ...input, eventId: item.eventId, eventType: item.eventType, deliveryId: item.deliveryId, receivedAt: item.receivedAt, policy: page.policy },
    resendRun({ attemptsMade: item.attemptsMade, lane: item.lane }, { ignoreMaxAge: true }),
  );
  const summary = deliverySummary(item, { name: page.webhookName }, 'recovered');
  for (let tries = 1; ; tries++) {
    try {
      const view = await executeChild(deliveryWorkflow, {
        ...deliveryStartOptions(delivery, summary),
        args: [delivery],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        // The run is the delivery's own: it ends by itself whatever happens to the recovery.
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      return view.status;
    } catch (error) {
      // The run broke (never by design): the resend did not deliver; its record shows what it recorded.
      if (error instanceof ChildWorkflowFailure) return 'failed';
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      // Another run is open: the previous one, still closing after it recorded its end (wait for
      // it), or, if it stays open, a run something else started, which then attempts it.
      if (tries >= RUN_CLOSE_TRIES) return 'skipped';
      await sleep(RUN_CLOSE_WAIT);
    }
  }
}
