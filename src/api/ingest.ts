// Event ingest: store the event and its delivery records once, then start the event's one
// workflow, which attempts every delivery (workflows/event.ts). Four round trips whatever the fan-out.
// A webhook that is switched off, or replaying its buffer, gets the event as a `buffered` record
// (its health workflow replays it on activation), or `dropped` once its buffer window has closed.
import type { DeliveryStatus } from '../domain';
import { heldStatus } from '../policy/health';
import { deliveryId } from '../store/deliveries';
import type { DeliveryRef } from '../store/events';
import { familyOf } from '../store/eventTypes';
import { newId } from '../store/ids';
import { holdsEvents, policyOf, type WebhookDoc } from '../store/webhooks';
import { startEvent } from '../temporal/client';
import type { AppDeps } from './deps';

export interface IncomingEvent {
  id?: string;
  type: string;
  family?: string;
  app?: string;
  data: string; // raw JSON text
}

export interface IngestResult {
  eventId: string;
  duplicate: boolean;
  deliveries: DeliveryRef[];
}

export async function ingestEvent(deps: AppDeps, workspaceId: string, incoming: IncomingEvent): Promise<IngestResult> {
  const { store } = deps;
  const eventId = incoming.id ?? newId('evt');
  const webhooks = await store.webhooks.matching(workspaceId, incoming.type, incoming.app);
  const now = Date.now();
  const deliveries: DeliveryRef[] = webhooks.map((webhook) => ({
    id: deliveryId(workspaceId, eventId, webhook._id),
    webhookId: webhook._id,
    status: firstStatus(webhook, now),
  }));

  const { doc: event, duplicate } = await store.events.insertOnce({
    workspaceId,
    eventId,
    type: incoming.type,
    family: incoming.family ?? familyOf(incoming.type),
    ...(incoming.app !== undefined ? { app: incoming.app } : {}),
    data: incoming.data,
    receivedAt: new Date(),
    deliveries,
  });

  // On a repeat of the same id, the first stored version decides. Starting is still attempted:
  // if the first request died between storing and starting, this one finishes its work, and a
  // workflow that exists already (running or closed) is never started twice.
  const byId = new Map(webhooks.map((webhook) => [webhook._id, webhook]));
  const recorded = event.deliveries.filter((ref) => byId.has(ref.webhookId));
  await store.deliveries.createRecords(
    workspaceId,
    event.eventId,
    event.type,
    recorded.map((ref) => ({ webhookId: ref.webhookId, status: ref.status })),
  );
  const toStart = recorded.filter((ref) => ref.status === 'pending');
  if (toStart.length > 0) {
    const targets = toStart.map((ref) => {
      const webhook = byId.get(ref.webhookId)!;
      return {
        deliveryId: ref.id,
        webhookId: webhook._id,
        policy: policyOf(webhook),
        summary: `${event.type} event ${event.eventId} → ${webhook.name} <${new URL(webhook.url).host}>`,
      };
    });
    const where = targets.length === 1 ? byId.get(targets[0].webhookId)!.name : `${targets.length} webhooks`;
    await startEvent(
      deps.temporal,
      { workspaceId, eventId: event.eventId, eventType: event.type, receivedAt: event.receivedAt.toISOString(), targets },
      `${event.type} event ${event.eventId} → ${where}`,
    );
  }
  return { eventId: event.eventId, duplicate, deliveries: event.deliveries };
}

/** Pending for a webhook that takes events now; buffered or dropped for one that holds them. */
function firstStatus(webhook: WebhookDoc, nowMs: number): DeliveryStatus {
  if (!holdsEvents(webhook)) return 'pending';
  return webhook.active ? 'buffered' : heldStatus(webhook.bufferUntil?.getTime(), nowMs);
}
