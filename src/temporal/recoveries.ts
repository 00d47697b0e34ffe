// Starting a recovery's workflow: its id is the recovery's (recovery/{ws}/{recoveryId}), listed in
// the Web UI with the webhook's deliveries (HeraldWebhookId), so a repeated start never runs twice.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { recoveryWorkflowId } from '../core/ids';
import type { RecoveryInput } from '../../workflows/contracts/recovery';
import { recoverySearchAttributes } from '../../workflows/contracts/searchAttributes';
import { workflowTypes, type RecoveryWorkflow } from '../../workflows/contracts/workflows';
import type { TemporalClient } from './client';

export async function startRecoveryWorkflow(temporal: TemporalClient, input: RecoveryInput, summary: string): Promise<void> {
  try {
    await temporal.client.workflow.start<RecoveryWorkflow>(workflowTypes.recovery, {
      workflowId: recoveryWorkflowId(input.workspaceId, input.recoveryId),
      taskQueue: temporal.taskQueue,
      args: [input],
      memo: { summary },
      typedSearchAttributes: recoverySearchAttributes(input.workspaceId, input.webhookId),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
