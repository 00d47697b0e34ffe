// Switching an endpoint off and on again. One path for every cause: a failed test (seed 002), a
// manual deactivation, and the endpoint-health rule of SPEC section 6 all end here.
import { sendRequest } from '../delivery';
import { HERALD_VERSION } from '../delivery/version';
import type { Store } from '../store';
import type { WebhookDoc } from '../store/webhooks';
import type { NotificationDoc } from '../store/notifications';

export interface DeactivationDeps {
  store: Store;
  allowPrivateNetworks: boolean;
}

export function activationPath(workspaceId: string, webhookId: string): string {
  return `/v1/workspaces/${workspaceId}/webhooks/${webhookId}/activate`;
}

/**
 * Marks the webhook inactive with its reason and time, records a notification that names the
 * activation call, and sends it to the workspace's notification webhook if one is set.
 */
export async function deactivateWebhook(
  deps: DeactivationDeps,
  workspaceId: string,
  webhookId: string,
  reason: string,
  type: NotificationDoc['type'] = 'webhook.deactivated',
): Promise<WebhookDoc | null> {
  const { store } = deps;
  const webhook = await store.webhooks.update(workspaceId, webhookId, { active: false, deactivatedAt: new Date(), deactivationReason: reason });
  if (!webhook) return null;
  const path = activationPath(workspaceId, webhookId);
  const notification = await store.notifications.create({
    workspaceId,
    type,
    webhookId,
    message: `Webhook "${webhook.name}" (${webhookId}) was deactivated: ${reason}. Reactivate it with POST ${path}.`,
    activationPath: path,
  });
  await notifyWorkspace(deps, workspaceId, notification);
  return webhook;
}

export async function activateWebhook(store: Store, workspaceId: string, webhookId: string): Promise<WebhookDoc | null> {
  return store.webhooks.update(workspaceId, webhookId, { active: true }, ['deactivatedAt', 'deactivationReason']);
}

/** Best effort: the notification is stored either way, and the outcome of sending it is recorded. */
async function notifyWorkspace(deps: DeactivationDeps, workspaceId: string, notification: NotificationDoc): Promise<void> {
  const workspace = await deps.store.workspaces.get(workspaceId);
  const url = workspace?.settings.notificationUrl;
  if (!url) return;
  const body = JSON.stringify({
    id: notification._id,
    type: notification.type,
    webhookId: notification.webhookId,
    message: notification.message,
    activationPath: notification.activationPath,
    createdAt: notification.createdAt.toISOString(),
  });
  const result = await sendRequest(
    {
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        'user-agent': `Herald-Webhooks/${HERALD_VERSION}`,
        'webhook-id': `notification/${notification._id}`,
        'webhook-event-type': notification.type,
      },
      body,
    },
    { timeoutMs: 5000, allowPrivateNetworks: deps.allowPrivateNetworks },
  );
  await deps.store.notifications.recordDelivery(notification._id, {
    ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
    ...(result.error ? { error: `${result.error.kind}: ${result.error.message}` } : {}),
    at: new Date(),
  });
}
