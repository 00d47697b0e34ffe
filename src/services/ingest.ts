// Event ingest: store the event and its delivery records once, then start the event's one
// workflow, which attempts every delivery (workflows/event.ts). Four round trips whatever the fan-out.
// Once the records are stored the event is accepted: if the start fails, or the process dies before
// it, the reconciler Schedule (workflows/maintenance.ts) starts the deliveries left pending.
// A webhook that is switched off, or replaying its buffer, gets the event as a `buffered` record
// (its health workflow replays it on activation), or `dropped` once its buffer window has closed.
// Notifications to a workspace's own URL are stored the same way, through recordEvent.
import type { DeliveryStatus } from '../core/domain';
import { deliverySummary, eventSummary } from '../../workflows/contracts/summaries';
import { heldStatus, holdsEvents } from '../policy/endpointHealth';
import { deliveryId } from '../core/ids';
import type { DeliveryRef, EventDoc } from '../store/events';
import { familyOf } from '../core/eventTypes';
import { newId } from '../store/ids';
import type { Store } from '../store';
import { type WebhookDoc } from '../store/webhooks';
import { policyOf } from '../policy/resolve';
import { startEvent, type EventStart } from '../temporal/starts';
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
  /** How the event's workflow started, when this request started it. */
  started?: EventStart;
  /** Starting the event's workflow failed (Temporal unreachable): the reconciler will start its deliveries. */
  startError?: string;
}

/** An event as it is stored, before its delivery records: ingested through the API, or a notification. */
export type NewEvent = Omit<EventDoc, '_id' | 'deliveries'>;

/** One webhook the event goes to, and the status its delivery starts in. */
export interface RecordTarget {
  webhook: WebhookDoc;
  status: DeliveryStatus;
}

export interface RecordedEvent {
  /** As stored: on a repeated id, the first version, with its deliveries. */
  event: EventDoc;
  duplicate: boolean;
  /** The pending deliveries that no run has taken up yet, with their webhooks: what to start now. */
  toStart: Array<{ ref: DeliveryRef; webhook: WebhookDoc }>;
}

/**
 * Stores the event once, then its delivery records. A repeat of the same id starts only what
 * Herald's own records say never ran: a delivery still pending without an attempt (the first
 * request died between storing and starting). Whether Temporal still holds the first run (its
 * retention may have purged it) does not matter.
 */
export async function recordEvent(store: Store, incoming: NewEvent, targets: RecordTarget[]): Promise<RecordedEvent> {
  const { doc: event, duplicate } = await store.events.insertOnce({
    ...incoming,
    deliveries: targets.map(({ webhook, status }) => ({ id: deliveryId(incoming.workspaceId, incoming.eventId, webhook._id), webhookId: webhook._id, status })),
  });

  const byId = new Map(targets.map(({ webhook }) => [webhook._id, webhook]));
  const recorded = event.deliveries.filter((ref) => byId.has(ref.webhookId));
  await store.deliveries.createRecords(
    event.workspaceId,
    event.eventId,
    event.type,
    recorded.map((ref) => ({ webhookId: ref.webhookId, preset: policyOf(byId.get(ref.webhookId)!).preset, status: ref.status })),
    event.receivedAt,
  );

  let toStart = recorded.filter((ref) => ref.status === 'pending');
  if (duplicate && toStart.length > 0) {
    const untouched = new Set(
      (await store.deliveries.byIds(toStart.map((ref) => ref.id))).filter((doc) => doc.status === 'pending' && doc.attempts.length === 0).map((doc) => doc._id),
    );
    toStart = toStart.filter((ref) => untouched.has(ref.id));
  }
  return { event, duplicate, toStart: toStart.map((ref) => ({ ref, webhook: byId.get(ref.webhookId)! })) };
}

/** How long ingest waits for Temporal to start the event's workflow before leaving it to the reconciler. */
const START_DEADLINE_MS = 5_000;

/**
 * The start's answer, or an error once `ms` have passed. A worker's connection (the eager client's)
 * retries an unreachable server past the call's deadline; a start that succeeds after this gave up
 * is harmless, since the workflow id is the event's and the reconciler starts only missing runs.
 */
async function withinDeadline<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Temporal did not answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined); // answered or not, a late failure is nobody's to handle
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export async function ingestEvent(deps: AppDeps, workspaceId: string, incoming: IncomingEvent): Promise<IngestResult> {
  const eventId = incoming.id ?? newId('evt');
  const webhooks = await deps.store.webhooks.matching(workspaceId, incoming.type, incoming.app);
  const now = Date.now();
  const { event, duplicate, toStart } = await recordEvent(
    deps.store,
    {
      workspaceId,
      eventId,
      type: incoming.type,
      family: incoming.family ?? familyOf(incoming.type),
      ...(incoming.app !== undefined ? { app: incoming.app } : {}),
      data: incoming.data,
      receivedAt: new Date(),
    },
    webhooks.map((webhook) => ({ webhook, status: firstStatus(webhook, now) })),
  );

  let startError: string | undefined;
  let started: EventStart | undefined;
  if (toStart.length > 0) {
    const targets = toStart.map(({ ref, webhook }) => ({
      deliveryId: ref.id,
      webhookId: webhook._id,
      policy: policyOf(webhook),
      summary: deliverySummary({ eventType: event.type, eventId: event.eventId }, webhook),
    }));
    const input = { workspaceId, eventId: event.eventId, eventType: event.type, receivedAt: event.receivedAt.toISOString(), targets };
    try {
      // The event workflow's id is the event's: a run that exists already (running or closed) is never started twice.
      started = await withinDeadline(
        START_DEADLINE_MS,
        deps.temporal.client.withDeadline(Date.now() + START_DEADLINE_MS, () =>
          startEvent(
            deps.temporal,
            input,
            eventSummary(
              { eventType: event.type, eventId: event.eventId },
              toStart.map(({ webhook }) => webhook),
            ),
          ),
        ),
      );
    } catch (error) {
      // The records are stored, so the event is accepted: the reconciler Schedule starts deliveries
      // that stay pending without a run (when Temporal is back). Their records show them pending.
      startError = error instanceof Error ? error.message : String(error);
    }
  }
  return {
    eventId: event.eventId,
    duplicate,
    deliveries: event.deliveries,
    ...(started !== undefined ? { started } : {}),
    ...(startError !== undefined ? { startError } : {}),
  };
}

/** Pending for a webhook that takes events now; buffered or dropped for one that holds them. */
function firstStatus(webhook: WebhookDoc, nowMs: number): DeliveryStatus {
  if (!holdsEvents(webhook)) return 'pending';
  return webhook.active ? 'buffered' : heldStatus(webhook.bufferUntil?.getTime(), nowMs);
}
