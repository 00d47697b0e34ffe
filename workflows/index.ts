// Everything the worker registers; deterministic workflow code only.
import type { HeraldWorkflows } from './contracts/workflows';
import { deliveryWorkflow } from './delivery';
import { endpointHealthWorkflow } from './endpointHealth/workflow';
import { eventWorkflow } from './event';
import { reconcileWorkflow, retentionWorkflow } from './maintenance';

export { deliveryWorkflow, endpointHealthWorkflow, eventWorkflow, reconcileWorkflow, retentionWorkflow };

/** Compile-time check: the registered workflows are exactly the contract's, with its signatures. */
type Exactly<T extends HeraldWorkflows, U extends Record<keyof HeraldWorkflows, unknown>> = [T, U];
export type RegisteredWorkflows = Exactly<
  {
    eventWorkflow: typeof eventWorkflow;
    deliveryWorkflow: typeof deliveryWorkflow;
    endpointHealthWorkflow: typeof endpointHealthWorkflow;
    reconcileWorkflow: typeof reconcileWorkflow;
    retentionWorkflow: typeof retentionWorkflow;
  },
  typeof import('./index')
>;
