// The endpoint-health workflow's activities: the mirror of its state in the webhook's record,
// notifications, and the pages of a replay. Each write is idempotent, so Temporal may retry it.
import type { EndpointHealthActivities } from '../workflows/contracts/activities';
import type {
  BufferedPage,
  BufferedPageRequest,
  ClaimRequest,
  DiscardRequest,
  MarkActivatedRequest,
  MarkDeactivatedRequest,
  NotificationDelivery,
  NotifyRequest,
  ReplayProgressRequest,
} from '../workflows/contracts/endpointHealth';
import { notificationEvent, notificationOf } from '../src/services/notifications';
import { activationUrl, type ActivationLinkIssuer } from '../src/services/activationLinks';
import { recordEvent } from '../src/services/ingest';
import { bufferUntilMs } from '../src/policy/endpointHealth';
import type { Store } from '../src/store';
import { deliveryId } from '../src/core/ids';
import { policyOf } from '../src/policy/resolve';

/** `activationLinks`: how to sign a deactivation's one-click link; absent (no HERALD_PUBLIC_URL), notifications carry none. */
export function createEndpointHealthActivities(store: Store, activationLinks?: ActivationLinkIssuer): EndpointHealthActivities {
  return {
    async markDeactivated(request: MarkDeactivatedRequest): Promise<void> {
      const { workspaceId, webhookId, atMs } = request;
      const [webhook, workspace] = await Promise.all([store.webhooks.getEndpoint(workspaceId, webhookId), store.workspaces.get(workspaceId)]);
      if (!webhook) return;
      await store.webhooks.mirrorHealth(
        workspaceId,
        webhookId,
        {
          active: false,
          deactivatedAt: new Date(atMs),
          deactivationReason: request.reason,
          bufferUntil: new Date(bufferUntilMs(atMs, webhook.deactivation, workspace?.settings.deactivation)),
          replay: undefined,
        },
        { resetStreak: true },
      );
    },

    /** Active again, replaying or not; how many deliveries the buffer holds. */
    async markActivated(request: MarkActivatedRequest): Promise<{ buffered: number }> {
      const { workspaceId, webhookId } = request;
      const buffered = await store.deliveries.countBuffered(workspaceId, webhookId);
      await store.webhooks.mirrorHealth(
        workspaceId,
        webhookId,
        {
          active: true,
          deactivatedAt: undefined,
          deactivationReason: undefined,
          bufferUntil: undefined,
          replay: request.replaying ? { total: buffered, done: 0, startedAt: new Date(request.atMs) } : undefined,
        },
        { resetStreak: true },
      );
      return { buffered };
    },

    /**
     * Stores the notification and, when the workspace has a notification URL, its event and
     * pending delivery to the workspace's notification endpoint, for the workflow to start.
     */
    async recordNotification(request: NotifyRequest): Promise<{ delivery?: NotificationDelivery }> {
      const { workspaceId, webhookId, notificationId, type, reason, atMs } = request;
      const [webhook, workspace] = await Promise.all([store.webhooks.getEndpoint(workspaceId, webhookId), store.workspaces.get(workspaceId)]);
      // A link only for a webhook that still exists: a deleted one has nothing to switch on.
      const link =
        type === 'webhook.deactivated' && webhook && activationLinks
          ? activationUrl(
              activationLinks,
              { workspaceId, webhookId, notificationId, deactivatedAtMs: atMs },
              { webhook: webhook.deactivation, workspace: workspace?.settings.deactivation },
            )
          : undefined;
      const notification = notificationOf({ notificationId, workspaceId, webhookId, type, reason, at: new Date(atMs) }, webhook, link);
      let delivery: NotificationDelivery | undefined;
      const url = workspace?.settings.notificationUrl;
      if (url) {
        const endpoint = await store.webhooks.upsertNotificationEndpoint(workspaceId, url, store.workspaces.notificationSecrets(workspace));
        const { event, toStart } = await recordEvent(store, notificationEvent(notification), [{ webhook: endpoint, status: 'pending' }]);
        notification.deliveryId = deliveryId(workspaceId, notificationId, endpoint._id);
        if (toStart.length > 0) {
          delivery = {
            workspaceId,
            eventId: event.eventId,
            eventType: event.type,
            receivedAt: event.receivedAt.toISOString(),
            deliveryId: notification.deliveryId,
            endpointId: endpoint._id,
            policy: policyOf(endpoint),
          };
        }
      }
      await store.notifications.createOnce(notification);
      return delivery ? { delivery } : {};
    },

    /** The next page of the buffer, with the webhook's retry policy as it stands now. */
    async bufferedPage(request: BufferedPageRequest): Promise<BufferedPage> {
      const { workspaceId, webhookId } = request;
      const [webhook, items] = await Promise.all([
        store.webhooks.getEndpoint(workspaceId, webhookId),
        store.deliveries.bufferedPage(workspaceId, webhookId, request.afterSeq, request.limit),
      ]);
      if (!webhook) return { missing: true };
      const events = await Promise.all(items.map((item) => store.events.get(workspaceId, item.eventId)));
      return {
        missing: false,
        policy: policyOf(webhook),
        webhookName: webhook.name,
        items: items.map((item, i) => ({
          deliveryId: item._id,
          seq: item.seq,
          eventId: item.eventId,
          eventType: item.eventType,
          // Retention keeps an event while any delivery of it exists; one gone anyway replays as received now.
          receivedAt: (events[i]?.receivedAt ?? new Date()).toISOString(),
          attemptsMade: item.attempts.length,
          lane: item.lane,
        })),
      };
    },

    /** A buffered delivery becomes pending for the replay's attempt; false if something else took it out of the buffer. */
    claimBuffered(request: ClaimRequest): Promise<boolean> {
      return store.deliveries.claimForReplay(request.deliveryId, request.claim);
    },

    async replayProgress(request: ReplayProgressRequest): Promise<void> {
      const { replay } = request;
      await store.webhooks.mirrorHealth(
        request.workspaceId,
        request.webhookId,
        { replay: replay ? { total: replay.total, done: replay.done, startedAt: new Date(replay.startedAtMs) } : undefined },
        { resetStreak: false },
      );
    },

    discardBuffered(request: DiscardRequest): Promise<number> {
      return store.deliveries.discardBuffered(request.workspaceId, request.webhookId, request.limit);
    },
  };
}
