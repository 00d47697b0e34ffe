import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Config } from '../config';
import type { ResolvedPolicy } from '../policy/types';
import type { DeliveryDoc } from '../store/deliveries';
import { type WebhookDoc } from '../store/webhooks';
import { policyOf } from '../policy/resolve';
import type { DeliveryInput } from '../../workflows/contracts/delivery';
import { workflowTypes, type DeliveryWorkflow, type EventWorkflow } from '../../workflows/contracts/workflows';
import { type EventInput } from '../../workflows/contracts/event';
import { temporalConnectionOptions } from './connection';
import { eventWorkflowId } from '../core/ids';
import { deliverySearchAttributes, eventSearchAttributes } from '../../workflows/contracts/searchAttributes';

export { eventWorkflowId, healthWorkflowId } from '../core/ids';

export interface TemporalDeps {
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export async function connectTemporal(config: Pick<Config, 'temporalAddress' | 'temporalSecurity' | 'temporalNamespace' | 'taskQueue'>): Promise<TemporalDeps> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const client = new Client({ connection, namespace: config.temporalNamespace });
  return { client, taskQueue: config.taskQueue, close: () => connection.close() };
}

export interface DeliveryStart {
  workspaceId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  deliveryId: string;
  receivedAt: string;
  policy: ResolvedPolicy;
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

/**
 * Starts the delivery workflow unless a run with its id exists already (running or closed), so a
 * repeated ingest never delivers twice.
 */
export async function startDelivery(
  temporal: Pick<TemporalDeps, 'client' | 'taskQueue'>,
  start: DeliveryStart,
  extra: Partial<DeliveryInput> = {},
  /** A new run for a delivery whose previous run closed: manual retry, replay of a buffer. */
  restart = false,
): Promise<boolean> {
  const input: DeliveryInput = {
    workspaceId: start.workspaceId,
    webhookId: start.webhookId,
    eventId: start.eventId,
    eventType: start.eventType,
    deliveryId: start.deliveryId,
    receivedAt: start.receivedAt,
    policy: start.policy,
    ...extra,
  };
  try {
    await temporal.client.workflow.start<DeliveryWorkflow>(workflowTypes.delivery, {
      workflowId: start.deliveryId,
      taskQueue: temporal.taskQueue,
      args: [input],
      memo: { summary: start.summary, lane: extra.state?.lane ?? 'priority' },
      typedSearchAttributes: deliverySearchAttributes(start.workspaceId, start.webhookId, start.eventType, 'pending'),
      workflowIdReusePolicy: restart ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
      ...(restart ? {} : { workflowIdConflictPolicy: 'USE_EXISTING' as const }),
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}

/**
 * Starts the event's workflow, which makes every first attempt and hands retries to delivery
 * workflows: one Temporal call per event, whatever its fan-out. A run with the same id, running
 * or closed, means the event was started before; then nothing starts again.
 */
export async function startEvent(temporal: TemporalDeps, input: EventInput, summary: string): Promise<boolean> {
  try {
    await temporal.client.workflow.start<EventWorkflow>(workflowTypes.event, {
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
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}
