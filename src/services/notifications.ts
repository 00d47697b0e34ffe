// Operational notifications: what Herald tells a workspace about its own webhooks (switched off by
// the failure rule, switched back on). Each one is stored for GET /notifications and, when the
// workspace has a notification URL, delivered there as an event of its own.
import type { NotificationType } from '../core/domain';
import { familyOf } from '../core/eventTypes';
import type { NotificationDoc } from '../store/notifications';
import type { NewEvent } from './ingest';

/** What happened to which webhook, and why. The id is chosen by the health workflow, so a repeat is recognised. */
export interface WebhookNotice {
  notificationId: string;
  workspaceId: string;
  webhookId: string;
  type: NotificationType;
  reason: string;
  at: Date;
}

/** The REST call that switches a deactivated webhook back on. */
export function activationPath(workspaceId: string, webhookId: string): string {
  return `/v1/workspaces/${workspaceId}/webhooks/${webhookId}/activate`;
}

/**
 * The notification as stored, its message naming the webhook while its record exists. A
 * deactivation carries the REST call that undoes it and, when links are handed out, the
 * one-click `activationUrl` (src/services/activationLinks.ts).
 */
export function notificationOf(notice: WebhookNotice, webhook: { name: string } | null, activationUrl?: string): NotificationDoc {
  const { notificationId, workspaceId, webhookId, type, reason } = notice;
  const name = webhook ? `"${webhook.name}" (${webhookId})` : webhookId;
  const path = activationPath(workspaceId, webhookId);
  const deactivated = type === 'webhook.deactivated';
  const howTo = deactivated && activationUrl ? `POST ${path}, or open ${activationUrl}` : `POST ${path}`;
  return {
    _id: notificationId,
    workspaceId,
    type,
    webhookId,
    message: deactivated ? `Webhook ${name} was deactivated: ${reason}. Reactivate it with ${howTo}.` : `Webhook ${name} was ${reason}.`,
    ...(deactivated ? { activationPath: path } : {}),
    ...(deactivated && activationUrl ? { activationUrl } : {}),
    createdAt: notice.at,
  };
}

/** The JSON body delivered to the notification URL. */
export function notificationBody(notification: NotificationDoc): string {
  return JSON.stringify({
    id: notification._id,
    type: notification.type,
    webhookId: notification.webhookId,
    message: notification.message,
    ...(notification.activationPath ? { activationPath: notification.activationPath } : {}),
    ...(notification.activationUrl ? { activationUrl: notification.activationUrl } : {}),
    createdAt: notification.createdAt.toISOString(),
  });
}

/** The notification as an event of its own (same id, its type as the event type), for recordEvent. */
export function notificationEvent(notification: NotificationDoc): NewEvent {
  return {
    workspaceId: notification.workspaceId,
    eventId: notification._id,
    type: notification.type,
    family: familyOf(notification.type),
    data: notificationBody(notification),
    receivedAt: notification.createdAt,
  };
}
