// The two maintenance workflows, each started by a Temporal Schedule that the worker creates at
// start (src/temporal/schedules.ts), so they are listed under the Web UI's Schedules:
// - reconcileWorkflow heals what a crash left half-done: a delivery recorded `pending` with no run
//   to attempt it (an ingest that died between storing and starting), or `buffered` on a webhook
//   that is active and not replaying;
// - retentionWorkflow deletes records past their keeping time (src/policy/retention.ts).
// Both work in bounded pages and batches, so one run's cost does not grow with the backlog.
import { patched, proxyActivities } from '@temporalio/workflow';
import { RECONCILE_MAX_PAGES, RECONCILE_PAGE, RETENTION_BATCH, RETENTION_MAX_BATCHES, type DeliveryRetentionRule } from '../src/policy/retention';
import type { MaintenanceActivities } from './contracts/activities';
import type { EventSweepResult, ReconcileInput, ReconcilePageResult, ReconcileResult, RetentionInput, RetentionResult } from './contracts/maintenance';

/** Each call is one bounded page and safe to repeat: Temporal retries it until the store answers. */
const { reconcilePage, reconcileBuffers, sweepDeliveries, sweepEvents, sweepNotifications, sweepPortalLinks } = proxyActivities<MaintenanceActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

export async function reconcileWorkflow(input: ReconcileInput): Promise<ReconcileResult> {
  const beforeMs = Date.now() - input.graceSeconds * 1000;
  const result: ReconcileResult = { examined: 0, started: 0, cancelled: 0, buffersReplayed: 0 };
  let afterId: string | null = null;
  for (let page = 0; page < RECONCILE_MAX_PAGES; page++) {
    const done: ReconcilePageResult = await reconcilePage({ beforeMs, afterId, limit: RECONCILE_PAGE });
    result.examined += done.examined;
    result.started += done.started.length;
    result.cancelled += done.cancelled.length;
    if (done.nextAfterId === null) break;
    afterId = done.nextAfterId;
  }
  result.buffersReplayed = (await reconcileBuffers({ beforeMs })).length;
  return result;
}

const DELIVERY_RULES: DeliveryRetentionRule[] = ['fixed-failed', 'held', 'ended'];

export async function retentionWorkflow(input: RetentionInput): Promise<RetentionResult> {
  const nowMs = Date.now();
  const { retentionDays } = input;
  const deleted: RetentionResult = { 'fixed-failed': 0, held: 0, ended: 0, events: 0, notifications: 0, portalLinks: 0 };

  // Deliveries first, so that events whose last delivery goes in this run go in this run too.
  for (const rule of DELIVERY_RULES) {
    for (let batch = 0; batch < RETENTION_MAX_BATCHES; batch++) {
      const { deleted: count } = await sweepDeliveries({ rule, nowMs, retentionDays, limit: RETENTION_BATCH });
      deleted[rule] += count;
      if (count < RETENTION_BATCH) break;
    }
  }
  let afterId: string | null = null;
  for (let batch = 0; batch < RETENTION_MAX_BATCHES; batch++) {
    const page: EventSweepResult = await sweepEvents({ nowMs, retentionDays, afterId, limit: RETENTION_BATCH });
    deleted.events += page.deleted;
    if (page.nextAfterId === null) break;
    afterId = page.nextAfterId;
  }
  for (let batch = 0; batch < RETENTION_MAX_BATCHES; batch++) {
    const { deleted: count } = await sweepNotifications({ nowMs, retentionDays, limit: RETENTION_BATCH });
    deleted.notifications += count;
    if (count < RETENTION_BATCH) break;
  }
  // A step added after runs without it existed: a run that began before it replays without it.
  if (patched('retention-sweeps-portal-links')) {
    for (let batch = 0; batch < RETENTION_MAX_BATCHES; batch++) {
      const { deleted: count } = await sweepPortalLinks({ nowMs, limit: RETENTION_BATCH });
      deleted.portalLinks += count;
      if (count < RETENTION_BATCH) break;
    }
  }
  return deleted;
}
