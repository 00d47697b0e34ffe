// Ceiling B: the lightest workflow Herald's design could run per event. Deterministic code only;
// bundled by the worker that bench/ceilings.ts runs inside the benchmark process.
import { proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { CeilingActivities } from './activities';

const local = proxyLocalActivities<CeilingActivities>({ startToCloseTimeout: '10 seconds' });

/** One local activity that does nothing: ceiling B. */
export async function oneLocalActivity(): Promise<void> {
  await local.noop(workflowInfo().workflowId);
}
