// Everything the worker registers; deterministic workflow code only.
export { deliveryWorkflow } from './delivery';
export { eventWorkflow } from './event';
export { endpointHealthWorkflow } from './health';
export { reconcileWorkflow, retentionWorkflow } from './maintenance';
