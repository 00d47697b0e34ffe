// Ceiling B: the lightest workflow Herald's design could run per event. Deterministic code only;
// bundled by the worker that bench/ceilings.ts runs inside the benchmark process.
import { proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { CeilingActivities } from './activities';

const local = proxyLocalActivities<CeilingActivities>({ startToCloseTimeout: '10 seconds' });
const regular = proxyActivities<CeilingActivities>({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 1 } });

/** One local activity that does nothing: ceiling B. */
export async function oneLocalActivity(): Promise<void> {
  await local.noop(workflowInfo().workflowId);
}

/** One regular (task-queue scheduled) activity that does nothing: for comparison. */
export async function oneActivity(): Promise<void> {
  await regular.noop(workflowInfo().workflowId);
}
