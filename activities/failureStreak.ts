// An endpoint's failure streak, kept by the attempts: only the attempt sees each answer, so it
// counts them, and the endpoint-health workflow hears only when the streak crosses the endpoint's
// threshold (or at once on 410 Gone). Deactivating, buffering and notifying stay the workflow's.
import { Context } from '@temporalio/activity';
import { effectiveRule, GONE_STATUS, streakCrossesThreshold } from '../src/policy/endpointHealth';
import type { Store } from '../src/store';
import type { WebhookDoc } from '../src/store/webhooks';
import type { WorkspaceSettings } from '../src/store/workspaces';
import { reportFailing } from '../src/temporal/endpointHealth';

/** What one attempt told about its endpoint. */
export interface AttemptAnswer {
  succeeded: boolean;
  statusCode: number | undefined;
  at: Date;
}

export type ReportHealth = (webhook: WebhookDoc, answer: AttemptAnswer) => Promise<void>;

/**
 * A success ends a streak (a write only when there is one, so a healthy endpoint costs nothing),
 * a failure extends it.
 */
export function createFailureStreak(store: Store, settingsOf: (workspaceId: string) => Promise<WorkspaceSettings | undefined>): ReportHealth {
  return async (webhook, { succeeded, statusCode, at }) => {
    if (webhook.kind === 'notification') return;
    if (succeeded) {
      if (webhook.failureStreak) await store.webhooks.resetStreak(webhook._id);
      return;
    }
    if (statusCode === GONE_STATUS) {
      if (webhook.active) await report(webhook, 'the endpoint answered 410 Gone');
      return;
    }
    const streak = await store.webhooks.recordFailure(webhook._id, at);
    if (!streak || !webhook.active) return;
    const rule = effectiveRule(webhook.deactivation, (await settingsOf(webhook.workspaceId))?.deactivation);
    const now = Date.now();
    if (streakCrossesThreshold({ count: streak.count, sinceMs: streak.since.getTime() }, rule, now)) {
      await report(webhook, `${streak.count} consecutive failed attempts since ${streak.since.toISOString()}`);
    }
  };
}

/** Temporal unreachable: the next failed attempt reports again, as the streak only grows. */
function report(webhook: WebhookDoc, reason: string): Promise<void> {
  return reportFailing(workerClient(), webhook, reason).catch((error: unknown) => {
    Context.current().log.warn('could not report a failing endpoint', { error: String(error) });
  });
}

/** The worker's own client, which an activity reaches through its context. */
function workerClient() {
  const context = Context.current();
  return { client: context.client, taskQueue: context.info.taskQueue };
}
