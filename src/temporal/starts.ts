// Starting Herald's delivery work from outside a workflow: an ingested event's workflow, and a
// delivery's own workflow for a manual retry or a reconciled start. A run whose id exists already
// is never started twice, so a repeated call never delivers twice.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { DeliveryDoc } from '../store/deliveries';
import type { WebhookDoc } from '../store/webhooks';
import { policyOf } from '../policy/resolve';
import { deliveryInput, deliveryStartOptions, type DeliveryParts, type DeliveryRun } from '../../workflows/contracts/delivery';
import { workflowTypes, type DeliveryWorkflow, type EventWorkflow } from '../../workflows/contracts/workflows';
import type { EventInput } from '../../workflows/contracts/event';
import { eventSearchAttributes } from '../../workflows/contracts/searchAttributes';
import { eventWorkflowId } from '../core/ids';
import type { TemporalClient } from './client';

export interface DeliveryStart extends DeliveryParts {
  /** Shown in the Web UI: what is delivered where. */
  summary: string;
}

/** What starting a delivery's workflow needs, read from its record, its webhook and its event's arrival. */
export function deliveryStartOf(delivery: DeliveryDoc, webhook: WebhookDoc, receivedAt: Date, summary: string): DeliveryStart {
  return {
    workspaceId: delivery.workspaceId,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    deliveryId: delivery._id,
    receivedAt: receivedAt.toISOString(),
    policy: policyOf(webhook),
    summary,
  };
}

export interface DeliveryStartOptions extends DeliveryRun {
  /** A new run for a delivery whose previous run closed (a manual retry, a reconciled start); otherwise a run that exists already is left alone. */
  restart?: boolean;
}

/** Starts the delivery's workflow; false when a run with its id is in the way (any run; for a restart, an open one). */
export async function startDelivery(temporal: TemporalClient, start: DeliveryStart, options: DeliveryStartOptions = {}): Promise<boolean> {
  const { restart = false, ...run } = options;
  const input = deliveryInput(start, run);
  try {
    await temporal.client.workflow.start<DeliveryWorkflow>(workflowTypes.delivery, {
      ...deliveryStartOptions(input, start.summary),
      taskQueue: temporal.taskQueue,
      args: [input],
      workflowIdReusePolicy: restart ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
      ...(restart ? {} : { workflowIdConflictPolicy: 'USE_EXISTING' as const }),
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}

/** How an event's workflow start went: `eager` when its first task came back with the start. */
export type EventStart = 'eager' | 'started' | 'existed';

/**
 * Starts the event's workflow, which makes every first attempt and hands retries to delivery
 * workflows: one Temporal call per event, whatever its fan-out. A run with the same id, running
 * or closed, means the event was started before; then nothing starts again.
 * With a client on a worker's connection the start is eager: the server answers with the first
 * workflow task, which that worker runs at once, without a trip through the task queue. When the
 * worker has no free slot (or is stopping) the start is an ordinary one, and any worker takes it.
 */
export async function startEvent(temporal: TemporalClient, input: EventInput, summary: string): Promise<EventStart> {
  try {
    const handle = await temporal.client.workflow.start<EventWorkflow>(workflowTypes.event, {
      workflowId: eventWorkflowId(input.workspaceId, input.eventId),
      taskQueue: temporal.taskQueue,
      args: [input],
      memo: { summary },
      typedSearchAttributes: eventSearchAttributes(
        input.workspaceId,
        input.eventType,
        input.targets.map((target) => target.webhookId),
      ),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
      ...(temporal.eagerStart ? { requestEagerStart: true } : {}),
    });
    return handle.eagerlyStarted ? 'eager' : 'started';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'existed';
    throw error;
  }
}
