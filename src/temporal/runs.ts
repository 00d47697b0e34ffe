// Whether a workflow's latest run is still open, as the API and the reconciler ask it.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/** The workflow's latest run is open; false when it closed or its id was never used. */
export async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** Waits up to `timeoutMs` for the workflow's latest run to close; false if it is still open then. */
export async function waitUntilClosed(client: Client, workflowId: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await isRunning(client, workflowId))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
