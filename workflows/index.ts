// Everything the worker registers; deterministic workflow code only.
import type { HeraldWorkflows } from './contracts/workflows';
import { deliveryWorkflow } from './delivery';
import { endpointHealthWorkflow } from './endpointHealth/workflow';
import { eventWorkflow } from './event';
import { reconcileWorkflow, retentionWorkflow } from './maintenance';
import { recoveryWorkflow } from './recovery';

export { deliveryWorkflow, endpointHealthWorkflow, eventWorkflow, reconcileWorkflow, recoveryWorkflow, retentionWorkflow };

/** Compile-time check: the registered workflows are the contract's, with its signatures. */
const _registered: HeraldWorkflows = { eventWorkflow, deliveryWorkflow, endpointHealthWorkflow, reconcileWorkflow, retentionWorkflow, recoveryWorkflow };
