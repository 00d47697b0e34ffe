// Recovering deliveries: the rules of starting a recovery. The work itself runs in the recovery's
// workflow (workflows/recovery.ts), never in the request.
import { RECOVERABLE_STATUSES, type RecoverableStatus } from '../core/domain';
import { conflictError, invalidInput } from '../core/errors';
import { newId } from '../store/ids';
import { newRecovery, type RecoveryDoc } from '../store/recoveries';
import { startRecoveryWorkflow } from '../temporal/recoveries';
import { isRunning } from '../temporal/runs';
import { recoveryWorkflowId } from '../core/ids';
import { recoverySummary } from '../../workflows/contracts/summaries';
import type { RecoveryInput } from '../../workflows/contracts/recovery';
import type { AppDeps } from './deps';
import { findWebhook } from './webhooks';

export interface RecoverRequest {
  since: string;
  until?: string;
  statuses?: RecoverableStatus[];
}

/**
 * Starts a recovery of the webhook's ended deliveries in [since, until) and answers its record.
 * An inactive webhook, or one replaying its buffer, is refused: a resent delivery would only be
 * buffered again, or overtake the replay; so is a second recovery while one runs. The workflow starts before the record is written, and
 * writes the record itself if this process dies in between: nothing is stored that will not run.
 */
export async function startRecovery(deps: AppDeps, workspaceId: string, webhookId: string, request: RecoverRequest, now = new Date()): Promise<RecoveryDoc> {
  const webhook = await findWebhook(deps.store, workspaceId, webhookId);
  const sinceMs = Date.parse(request.since);
  const untilMs = request.until !== undefined ? Date.parse(request.until) : now.getTime();
  if (Number.isNaN(sinceMs)) throw invalidInput('body.since must be an ISO date-time', ['body.since']);
  if (Number.isNaN(untilMs)) throw invalidInput('body.until must be an ISO date-time', ['body.until']);
  if (untilMs <= sinceMs) {
    throw request.until !== undefined
      ? invalidInput('body.until must be later than body.since', ['body.until'])
      : invalidInput('body.since must be in the past (until defaults to now)', ['body.since']);
  }
  if (!webhook.active) throw conflictError('the webhook is inactive: activate it first (POST …/activate), then recover its deliveries');
  if (webhook.replay) throw conflictError('the webhook is replaying its buffer: recover once the replay has ended');
  await refuseWhileAnotherRuns(deps, workspaceId, webhookId);

  const input: RecoveryInput = {
    workspaceId,
    webhookId,
    recoveryId: newId('rcv'),
    sinceMs,
    untilMs,
    statuses: [...(request.statuses ?? RECOVERABLE_STATUSES)],
    createdAtMs: now.getTime(),
  };
  const range = { since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString(), statuses: input.statuses };
  await startRecoveryWorkflow(deps.temporal, input, recoverySummary(webhook, range));
  return deps.store.recoveries.createOnce(newRecovery(input));
}

/**
 * One recovery per webhook at a time, so that two cannot interleave their resends. A record that
 * says running while its workflow has closed (terminated by hand in the Web UI) is marked failed
 * and does not block.
 */
async function refuseWhileAnotherRuns(deps: AppDeps, workspaceId: string, webhookId: string): Promise<void> {
  for (const other of await deps.store.recoveries.runningOfWebhook(workspaceId, webhookId)) {
    if (await isRunning(deps.temporal.client, recoveryWorkflowId(workspaceId, other._id))) {
      throw conflictError(`recovery ${other._id} of this webhook is still running: wait for it to end`);
    }
    const { resent, skipped, succeeded } = other;
    await deps.store.recoveries.finish(other._id, {
      state: 'failed',
      finishedAt: new Date(),
      error: 'its workflow closed before it finished',
      resent,
      skipped,
      succeeded,
    });
  }
}
