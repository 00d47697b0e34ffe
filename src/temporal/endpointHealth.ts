// Talking to a webhook's endpoint-health workflow from the API and from activities. Every call
// starts the workflow if it is not running yet (a webhook created before it existed, or one whose
// workflow start failed), seeded with the webhook's state as its record shows it.
import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import { endpointHealthSummary } from '../../workflows/contracts/summaries';
import type { WebhookDoc } from '../store/webhooks';
import { workflowTypes, type EndpointHealthWorkflow } from '../../workflows/contracts/workflows';
import {
  activateUpdate,
  deactivateUpdate,
  deletedSignal,
  failingSignal,
  replayBufferedSignal,
  type ActivateRequest,
  type FailingSignal,
  type HealthState,
  type HealthView,
} from '../../workflows/contracts/endpointHealth';
import { healthWorkflowId } from '../core/ids';
import type { TemporalClient } from './client';
import { HERALD_WEBHOOK_ID, HERALD_WORKSPACE } from '../../workflows/contracts/searchAttributes';

/** The state a new health workflow starts from: what the webhook's record says. */
export function recordedHealth(doc: Pick<WebhookDoc, 'active' | 'deactivatedAt' | 'deactivationReason'>): HealthState {
  return {
    active: doc.active,
    ...(doc.deactivatedAt ? { deactivatedAtMs: doc.deactivatedAt.getTime() } : {}),
    ...(doc.deactivationReason ? { reason: doc.deactivationReason } : {}),
  };
}

function startOptions(temporal: TemporalClient, webhook: WebhookDoc) {
  return {
    workflowId: healthWorkflowId(webhook.workspaceId, webhook._id),
    taskQueue: temporal.taskQueue,
    args: [{ workspaceId: webhook.workspaceId, webhookId: webhook._id, state: recordedHealth(webhook) }] as Parameters<EndpointHealthWorkflow>,
    memo: { summary: endpointHealthSummary(webhook) },
    typedSearchAttributes: [
      { key: HERALD_WORKSPACE, value: webhook.workspaceId },
      { key: HERALD_WEBHOOK_ID, value: webhook._id },
    ],
  };
}

function withStart(temporal: TemporalClient, webhook: WebhookDoc) {
  return new WithStartWorkflowOperation<EndpointHealthWorkflow>(workflowTypes.endpointHealth, {
    ...startOptions(temporal, webhook),
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/** Starts the webhook's health workflow unless it runs already. */
export async function startHealth(temporal: TemporalClient, webhook: WebhookDoc): Promise<void> {
  await temporal.client.workflow.start<EndpointHealthWorkflow>(workflowTypes.endpointHealth, {
    ...startOptions(temporal, webhook),
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/** Asks the workflow to switch the webhook off (a pause when done by hand); answers with the state after the change. */
export function requestDeactivation(temporal: TemporalClient, webhook: WebhookDoc, reason: string): Promise<HealthView> {
  return temporal.client.workflow.executeUpdateWithStart(deactivateUpdate, { args: [{ reason }], startWorkflowOperation: withStart(temporal, webhook) });
}

/** Asks the workflow to switch the webhook on, replaying or discarding its buffer; answers with the state after the change. */
export function requestActivation(temporal: TemporalClient, webhook: WebhookDoc, request: ActivateRequest): Promise<HealthView> {
  return temporal.client.workflow.executeUpdateWithStart(activateUpdate, { args: [request], startWorkflowOperation: withStart(temporal, webhook) });
}

/** From the attempt activity: the failure rule says the webhook should be switched off. */
export async function reportFailing(temporal: TemporalClient, webhook: WebhookDoc, reason: string): Promise<void> {
  await temporal.client.workflow.signalWithStart<EndpointHealthWorkflow, [FailingSignal]>(workflowTypes.endpointHealth, {
    ...startOptions(temporal, webhook),
    signal: failingSignal,
    signalArgs: [{ reason }],
  });
}

/** From the reconciler: an active webhook still holds buffered deliveries; its health workflow replays them. */
export async function replayBuffered(temporal: TemporalClient, webhook: WebhookDoc): Promise<void> {
  await temporal.client.workflow.signalWithStart<EndpointHealthWorkflow, []>(workflowTypes.endpointHealth, {
    ...startOptions(temporal, webhook),
    signal: replayBufferedSignal,
    signalArgs: [],
  });
}

/** The webhook was deleted: its health workflow ends. */
export async function endHealth(temporal: TemporalClient, workspaceId: string, webhookId: string): Promise<void> {
  try {
    await temporal.client.workflow.getHandle(healthWorkflowId(workspaceId, webhookId)).signal(deletedSignal);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
