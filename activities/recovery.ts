// The recovery workflow's activities: its record, the pages of its deliveries and their claims.
// Each is idempotent, so Temporal may run one again after a worker died in the middle of it.
import type { RecoveryActivities } from '../workflows/contracts/activities';
import type {
  BeginRecoveryRequest,
  BeginRecoveryResult,
  ClaimForRecoveryRequest,
  FinishRecoveryRequest,
  RecoveryCountsRequest,
  RecoveryPage,
  RecoveryPageRequest,
  RecoveryScope,
} from '../workflows/contracts/recovery';
import { eventKey } from '../src/core/ids';
import { policyOf } from '../src/policy/resolve';
import type { Store } from '../src/store';
import type { RecoverableQuery } from '../src/store/deliveries';
import { newRecovery } from '../src/store/recoveries';

function queryOf(scope: RecoveryScope): RecoverableQuery {
  return {
    workspaceId: scope.workspaceId,
    webhookId: scope.webhookId,
    statuses: scope.statuses,
    since: new Date(scope.sinceMs),
    until: new Date(scope.untilMs),
  };
}

export function createRecoveryActivities(store: Store): RecoveryActivities {
  return {
    async beginRecovery(request: BeginRecoveryRequest): Promise<BeginRecoveryResult> {
      // The API writes the record after it started this workflow; if it died before, this one does.
      await store.recoveries.createOnce(newRecovery(request));
      if (!(await store.webhooks.get(request.workspaceId, request.webhookId))) return { missing: true };
      const matched = await store.deliveries.countRecoverable(queryOf(request));
      await store.recoveries.setMatched(request.recoveryId, matched);
      return { missing: false, matched };
    },

    async recoveryPage(request: RecoveryPageRequest): Promise<RecoveryPage> {
      const webhook = await store.webhooks.get(request.workspaceId, request.webhookId);
      if (!webhook) return { missing: true };
      const after = request.after === null ? null : { createdAt: new Date(request.after.createdAtMs), id: request.after.deliveryId };
      const docs = await store.deliveries.recoverablePage(queryOf(request), after, request.limit);
      const events = await store.events.byIds(docs.map((doc) => eventKey(doc.workspaceId, doc.eventId)));
      const receivedAt = new Map(events.map((event) => [event.eventId, event.receivedAt.toISOString()]));
      return {
        missing: false,
        policy: policyOf(webhook),
        webhookName: webhook.name,
        items: docs.map((doc) => {
          const received = receivedAt.get(doc.eventId);
          return {
            deliveryId: doc._id,
            eventId: doc.eventId,
            eventType: doc.eventType,
            ...(received !== undefined ? { receivedAt: received } : {}),
            createdAtMs: doc.createdAt.getTime(),
            attemptsMade: doc.attempts.length,
            lane: doc.lane,
          };
        }),
      };
    },

    claimForRecovery(request: ClaimForRecoveryRequest): Promise<boolean> {
      return store.deliveries.claimForRecovery(request.deliveryId, request.statuses, request.claim);
    },

    async recordRecoveryProgress({ recoveryId, resent, skipped, succeeded }: RecoveryCountsRequest): Promise<void> {
      await store.recoveries.progress(recoveryId, { resent, skipped, succeeded });
    },

    async finishRecovery(request: FinishRecoveryRequest): Promise<void> {
      const { recoveryId, resent, skipped, succeeded, state, finishedAtMs, error } = request;
      await store.recoveries.finish(recoveryId, {
        resent,
        skipped,
        succeeded,
        state,
        finishedAt: new Date(finishedAtMs),
        ...(error !== undefined ? { error } : {}),
      });
    },
  };
}
