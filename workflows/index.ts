// Everything the worker registers; deterministic workflow code only.
import type { HeraldWorkflows } from './contracts/workflows';
import { deliveryWorkflow } from './delivery';
import { endpointHealthWorkflow } from './endpointHealth/workflow';
import { eventWorkflow } from './event';
import { reconcileWorkflow, retentionWorkflow } from './maintenance';

export { deliveryWorkflow, endpointHealthWorkflow, eventWorkflow, reconcileWorkflow, retentionWorkflow };

/** Compile-time check: the registered workflows are the contract's, with its signatures. */
const _registered: HeraldWorkflows = { eventWorkflow, deliveryWorkflow, endpointHealthWorkflow, reconcileWorkflow, retentionWorkflow };
