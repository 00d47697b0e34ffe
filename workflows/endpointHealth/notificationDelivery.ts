import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { eventWorkflowId } from '../../src/core/ids';
import type { NotificationDelivery } from '../contracts/endpointHealth';
import { notificationSummary } from '../contracts/summaries';
import { eventWorkflow } from '../event';

/** The notification's own event workflow, abandoned: it retries on its own schedule. */
export async function startNotificationDelivery(delivery: NotificationDelivery): Promise<void> {
  try {
    await startChild(eventWorkflow, {
      workflowId: eventWorkflowId(delivery.workspaceId, delivery.eventId),
      args: [
        {
          workspaceId: delivery.workspaceId,
          eventId: delivery.eventId,
          eventType: delivery.eventType,
          receivedAt: delivery.receivedAt,
          targets: [
            { deliveryId: delivery.deliveryId, webhookId: delivery.endpointId, policy: delivery.policy, summary: notificationSummary(delivery.eventType) },
          ],
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (error) {
    // Started before this worker crashed and the workflow was replayed: it runs already.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
