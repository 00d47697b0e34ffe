// The activities of the two maintenance Schedules (workflows/maintenance.ts): the reconciler,
// which starts deliveries that a crash left without a run, and retention, which deletes records
// past their keeping time. Each call handles one bounded page and is safe to repeat.
import { Context } from '@temporalio/activity';
import { deliverySummary } from '../workflows/contracts/summaries';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { deliverySweeps, recordsCutoff } from '../src/policy/retention';
import type { Store } from '../src/store';
import type { DeliveryDoc } from '../src/store/deliveries';
import { eventKey } from '../src/core/ids';
import type { TemporalClient } from '../src/temporal/client';
import { isRunning } from '../src/temporal/runs';
import { deliveryStartOf, startDelivery } from '../src/temporal/starts';
import { replayBuffered } from '../src/temporal/endpointHealth';
import { eventWorkflowId, healthWorkflowId } from '../src/core/ids';
import { healthQuery } from '../workflows/contracts/endpointHealth';
import type {
  EventSweepRequest,
  EventSweepResult,
  ReconcilePageRequest,
  ReconcilePageResult,
  DeliverySweepRequest,
  NotificationSweepRequest,
  PortalLinkSweepRequest,
  SweepResult,
} from '../workflows/contracts/maintenance';
import type { MaintenanceActivities } from '../workflows/contracts/activities';

export function createMaintenanceActivities(store: Store): MaintenanceActivities {
  const temporal = (): TemporalClient => ({ client: Context.current().client, taskQueue: Context.current().info.taskQueue });

  /**
   * Whether some workflow may still make the delivery's next attempt: its event's workflow (first
   * attempts), its own workflow (retries), or its webhook's health workflow replaying the buffer
   * that it was claimed from.
   */
  async function hasRun(client: Client, delivery: DeliveryDoc): Promise<boolean> {
    if (await isRunning(client, eventWorkflowId(delivery.workspaceId, delivery.eventId))) return true;
    if (await isRunning(client, delivery._id)) return true;
    if (delivery.replayClaim === undefined) return false;
    try {
      const health = await client.workflow.getHandle(healthWorkflowId(delivery.workspaceId, delivery.webhookId)).query(healthQuery);
      return health.replay !== null;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  return {
    /** One page of overdue pending deliveries: each one without a run gets a delivery workflow. */
    async reconcilePage(request: ReconcilePageRequest): Promise<ReconcilePageResult> {
      const page = await store.deliveries.overdue(new Date(request.beforeMs), request.afterId, request.limit);
      const result: ReconcilePageResult = { examined: page.length, started: [], cancelled: [], nextAfterId: null };
      if (page.length === 0) return result;
      if (page.length === request.limit) result.nextAfterId = page[page.length - 1]._id;

      const temporalClient = temporal();
      const [webhooks, events] = await Promise.all([
        store.webhooks.byIds([...new Set(page.map((doc) => doc.webhookId))]),
        store.events.byIds([...new Set(page.map((doc) => eventKey(doc.workspaceId, doc.eventId)))]),
      ]);
      const webhookOf = new Map(webhooks.map((doc) => [doc._id, doc]));
      const eventOf = new Map(events.map((doc) => [doc._id, doc]));

      for (const candidate of page) {
        Context.current().heartbeat(candidate._id);
        if (await hasRun(temporalClient.client, candidate)) continue;
        // Read again after looking at the runs: a run that closed in between has written its end.
        const delivery = await store.deliveries.getById(candidate._id);
        if (!delivery || delivery.status !== 'pending' || delivery.updatedAt.getTime() !== candidate.updatedAt.getTime()) continue;
        const webhook = webhookOf.get(delivery.webhookId);
        const event = eventOf.get(eventKey(delivery.workspaceId, delivery.eventId));
        if (!webhook || webhook.workspaceId !== delivery.workspaceId || !event) {
          if (await store.deliveries.setProgressFrom(delivery._id, ['pending'], { status: 'cancelled', nextAttemptAt: null }))
            result.cancelled.push(delivery._id);
          continue;
        }
        const started = await startDelivery(
          temporalClient,
          deliveryStartOf(delivery, webhook, event.receivedAt, deliverySummary(delivery, { name: webhook.name }, 'reconciled')),
          { restart: true, state: { attemptsMade: delivery.attempts.length, lane: delivery.lane } },
        );
        if (started) result.started.push(delivery._id);
      }
      if (result.started.length > 0 || result.cancelled.length > 0) {
        Context.current().log.info('reconciled deliveries left without a run', { started: result.started.length, cancelled: result.cancelled.length });
      }
      return result;
    },

    /**
     * Buffered deliveries of a webhook that is active and not replaying (an ingest that read the
     * webhook as switched off a moment before its replay ended): its health workflow is asked to
     * replay them. Returns the webhooks asked.
     */
    async reconcileBuffers(request: { beforeMs: number }): Promise<string[]> {
      const ids = await store.deliveries.webhooksWithBuffered(new Date(request.beforeMs));
      const webhooks = (await store.webhooks.byIds(ids)).filter((doc) => doc.active && doc.replay === undefined && doc.kind === undefined);
      for (const webhook of webhooks) await replayBuffered(temporal(), webhook);
      return webhooks.map((doc) => doc._id);
    },

    async sweepDeliveries(request: DeliverySweepRequest): Promise<SweepResult> {
      const sweep = deliverySweeps(request.nowMs, request.retentionDays).find((candidate) => candidate.rule === request.rule);
      if (!sweep) throw new Error(`no retention rule named ${request.rule}`);
      return { deleted: await store.deliveries.sweep(sweep, request.limit) };
    },

    /** One page of events past the retention time: those with no delivery left are deleted. */
    async sweepEvents(request: EventSweepRequest): Promise<EventSweepResult> {
      const page = await store.events.receivedBefore(recordsCutoff(request.nowMs, request.retentionDays), request.afterId, request.limit);
      if (page.length === 0) return { deleted: 0, examined: 0, nextAfterId: null };
      const remaining = new Set(await store.deliveries.existingIds(page.flatMap((event) => event.deliveries.map((ref) => ref.id))));
      const orphans = page.filter((event) => !event.deliveries.some((ref) => remaining.has(ref.id))).map((event) => event._id);
      return {
        deleted: await store.events.deleteMany(orphans),
        examined: page.length,
        nextAfterId: page.length === request.limit ? page[page.length - 1]._id : null,
      };
    },

    /** Notifications past the retention, and the marks of activation links used before it (their notifications go with them). */
    async sweepNotifications(request: NotificationSweepRequest): Promise<SweepResult> {
      const cutoff = recordsCutoff(request.nowMs, request.retentionDays);
      const [deleted] = await Promise.all([store.notifications.sweep(cutoff, request.limit), store.activationLinks.sweep(cutoff, request.limit)]);
      return { deleted };
    },

    async sweepPortalLinks(request: PortalLinkSweepRequest): Promise<SweepResult> {
      return { deleted: await store.portalLinks.sweep(new Date(request.nowMs), request.limit) };
    },
  };
}
