// Manual control of deliveries in the webhook queue: retry and cancel.
import { WorkflowNotFoundError } from '@temporalio/client';
import { deliverySummary } from '../../workflows/contracts/summaries';
import { isExpired } from '../policy/expiry';
import { type WebhookDoc } from '../store/webhooks';
import { policyOf } from '../policy/resolve';
import { LIVE_STATUSES } from '../core/domain';
import type { DeliveryDoc } from '../store/deliveries';
import type { EventDoc } from '../store/events';
import { deliveryStartOf, startDelivery } from '../temporal/starts';
import { isRunning, waitUntilClosed } from '../temporal/runs';
import { eventWorkflowId } from '../core/ids';
import type { DeliveryWorkflow } from '../../workflows/contracts/workflows';
import { cancelSignal, resendRun, retryNowSignal } from '../../workflows/contracts/delivery';
import type { AppDeps } from './deps';
import { conflictError, notFoundError } from '../core/errors';

/** How long a control call waits for the event workflow to hand a delivery to its own workflow. */
const HANDOVER_MS = 10_000;

type DeliverySignal = typeof retryNowSignal | typeof cancelSignal;

async function trySignal(deps: AppDeps, delivery: DeliveryDoc, signal: DeliverySignal): Promise<boolean> {
  try {
    await deps.temporal.client.workflow.getHandle<DeliveryWorkflow>(delivery._id).signal(signal);
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/**
 * Signals the delivery's own workflow. A delivery's first attempt runs in its event's workflow,
 * which records a failed attempt as `pending` and only then starts the delivery's workflow: a
 * call in that moment waits for the hand-over. False when no workflow runs the delivery.
 */
async function signal(deps: AppDeps, delivery: DeliveryDoc, name: DeliverySignal): Promise<boolean> {
  const eventWorkflow = eventWorkflowId(delivery.workspaceId, delivery.eventId);
  const deadline = Date.now() + HANDOVER_MS;
  for (;;) {
    if (await trySignal(deps, delivery, name)) return true;
    // The event workflow closes only after the hand-over, so once it is closed one more try decides.
    if (!(await isRunning(deps.temporal.client, eventWorkflow))) return trySignal(deps, delivery, name);
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * How long a control call waits for the workflow to act on its signal, so that it can answer with
 * the record after the change. An attempt in flight can take longer (up to the webhook's timeout):
 * then the answer shows the record as it stands, and the change follows.
 */
const SIGNAL_EFFECT_MS = 5_000;

/** The delivery's record once `acted` holds for it, or as it stands when the wait ends. */
async function recordOnceActed(deps: AppDeps, delivery: DeliveryDoc, acted: (doc: DeliveryDoc) => boolean): Promise<DeliveryDoc> {
  const deadline = Date.now() + SIGNAL_EFFECT_MS;
  for (;;) {
    const doc = await deps.store.deliveries.get(delivery.workspaceId, delivery._id);
    if (!doc) throw notFoundError('delivery');
    if (acted(doc) || Date.now() >= deadline) return doc;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The run that made a delivery's last attempt closes a moment after its record says `failed`.
const PREVIOUS_RUN_CLOSE_MS = 10_000;

/**
 * A pending delivery is told to attempt now, keeping its schedule's remaining budget. A failed one
 * gets a new run that makes one fresh attempt with the same delivery id (so the same webhook-id
 * header). An expired one answers 409: nothing is attempted past the policy's maximum age.
 */
export async function retryDelivery(deps: AppDeps, delivery: DeliveryDoc): Promise<DeliveryDoc> {
  const { store } = deps;
  if (delivery.status === 'pending') {
    // Due now: what the record shows until the attempt is recorded.
    await store.deliveries.setProgressFrom(delivery._id, ['pending'], { status: 'pending', nextAttemptAt: new Date() });
    if (await signal(deps, delivery, retryNowSignal)) {
      return recordOnceActed(deps, delivery, (doc) => doc.status !== 'pending' || doc.attempts.length > delivery.attempts.length);
    }
  }
  if (delivery.status === 'expired') throw conflictError('this delivery expired: its retry policy allows no attempt after its maximum age');
  if (delivery.status === 'succeeded') throw conflictError('this delivery already succeeded');
  if (delivery.status !== 'failed' && delivery.status !== 'pending') throw conflictError(`a ${delivery.status} delivery cannot be retried`);

  const [webhook, event] = await Promise.all([
    store.webhooks.get(delivery.workspaceId, delivery.webhookId),
    store.events.get(delivery.workspaceId, delivery.eventId),
  ]);
  if (!webhook || !event) throw conflictError('the webhook or event of this delivery no longer exists');
  const policy = policyOf(webhook);
  if (isExpired(policy, event.receivedAt.getTime(), Date.now())) {
    throw conflictError('this delivery expired: its retry policy allows no attempt after its maximum age');
  }
  // A new run can only start once the previous one has closed; starting earlier would be refused
  // and leave the record `pending` with no run to make the attempt.
  if (!(await waitUntilClosed(deps.temporal.client, delivery._id, PREVIOUS_RUN_CLOSE_MS)))
    throw conflictError('the previous run of this delivery is still finishing; retry in a moment');
  await resendDelivery(deps, { delivery, webhook, event, why: 'manual retry' });
  const updated = await store.deliveries.get(delivery.workspaceId, delivery._id);
  if (!updated) throw notFoundError('delivery');
  return updated;
}

interface Resend {
  delivery: DeliveryDoc;
  webhook: WebhookDoc;
  event: EventDoc;
  /** Shown in the Web UI beside the delivery. */
  why: string;
}

/**
 * A new run for a delivery whose last run closed: one fresh attempt, its attempt count and lane
 * carried on (resendRun, which a recovery's workflow starts too).
 */
async function resendDelivery(deps: AppDeps, { delivery, webhook, event, why }: Resend): Promise<void> {
  await deps.store.deliveries.setProgress(delivery._id, { status: 'pending', nextAttemptAt: new Date() });
  await startDelivery(deps.temporal, deliveryStartOf(delivery, webhook, event.receivedAt, deliverySummary(delivery, { name: webhook.name }, why)), {
    restart: true,
    ...resendRun({ attemptsMade: delivery.attempts.length, lane: delivery.lane }),
  });
}

/** Cancels a pending or buffered delivery; its record after the change (or its end, if it ended first). */
export async function cancelDelivery(deps: AppDeps, delivery: DeliveryDoc): Promise<DeliveryDoc> {
  if (!LIVE_STATUSES.includes(delivery.status)) throw conflictError(`a ${delivery.status} delivery cannot be cancelled`);
  if (!(await signal(deps, delivery, cancelSignal))) {
    // No workflow runs it: cancel the record, unless it ended meanwhile (then the end stands).
    await deps.store.deliveries.setProgressFrom(delivery._id, LIVE_STATUSES, { status: 'cancelled', nextAttemptAt: null });
  }
  return recordOnceActed(deps, delivery, (doc) => !LIVE_STATUSES.includes(doc.status));
}

/** Cancels every delivery of a webhook that has not ended: pending ones and those in its buffer. */
export async function cancelLiveDeliveries(deps: AppDeps, workspaceId: string, webhookId: string): Promise<void> {
  const live = await deps.store.deliveries.liveOfWebhook(workspaceId, webhookId);
  await Promise.all(live.map((delivery) => cancelDelivery(deps, delivery).catch(() => undefined)));
}
