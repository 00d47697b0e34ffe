// Event ingest: store the event and its pending deliveries once, then start the event's one
// workflow, which attempts every delivery (workflows/event.ts). Four round trips whatever the fan-out.
import { deliveryId } from '../store/deliveries';
import type { DeliveryRef } from '../store/events';
import { familyOf } from '../store/eventTypes';
import { newId } from '../store/ids';
import { policyOf } from '../store/webhooks';
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
  const deliveries: DeliveryRef[] = webhooks.map((webhook) => ({
    id: deliveryId(workspaceId, eventId, webhook._id),
    webhookId: webhook._id,
    status: 'pending',
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
  const toStart = event.deliveries.filter((ref) => byId.has(ref.webhookId));
  await store.deliveries.createPending(workspaceId, event.eventId, event.type, toStart.map((ref) => ref.webhookId));
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
    const where = targets.length === 1 ? byId.get(targets[0]!.webhookId)!.name : `${targets.length} webhooks`;
    await startEvent(
      deps.temporal,
      { workspaceId, eventId: event.eventId, eventType: event.type, receivedAt: event.receivedAt.toISOString(), targets },
      `${event.type} event ${event.eventId} → ${where}`,
    );
  }
  return { eventId: event.eventId, duplicate, deliveries: event.deliveries };
}
