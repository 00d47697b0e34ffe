// A delivery's request as Herald sends it, rebuilt when it is read: the webhook and the event as
// they stand now, through the same builder as the attempt (src/outbound), then masked. Nothing is
// stored per attempt for it.
import { buildRequest, redactRequest, type OutgoingRequest } from '../outbound';
import type { Store } from '../store';
import type { DeliveryDoc } from '../store/deliveries';
import { toEventRecord } from '../store/events';

/** When the request shown is sent: the next attempt of a pending delivery, or the last attempt made. */
function requestTime(delivery: DeliveryDoc, now: Date): Date {
  if (delivery.status === 'pending' && delivery.nextAttemptAt) return delivery.nextAttemptAt;
  const last = delivery.attempts[delivery.attempts.length - 1];
  return last ? new Date(last.at) : now;
}

/**
 * The masked request of the delivery's next (or last) attempt; null when its webhook or event no
 * longer exists or the request cannot be built (a template that no longer renders, a secret
 * sealed under a key no longer configured): the attempt would record that as its error.
 */
export async function previewRequest(store: Store, delivery: DeliveryDoc, now = new Date()): Promise<OutgoingRequest | null> {
  const [webhook, event] = await Promise.all([
    store.webhooks.getEndpoint(delivery.workspaceId, delivery.webhookId),
    store.events.get(delivery.workspaceId, delivery.eventId),
  ]);
  if (!webhook || !event) return null;
  const at = requestTime(delivery, now);
  try {
    const request = buildRequest(store.webhooks.openTarget(webhook, at), toEventRecord(event), delivery._id, at);
    return redactRequest(
      request,
      (webhook.headers ?? []).map((header) => header.name),
    );
  } catch {
    return null;
  }
}
