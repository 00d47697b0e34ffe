// Herald's workflow types as clients start them: each name with the signature the worker's
// workflow of that name implements (checked in workflows/index.ts). Clients start workflows by
// these names, so nothing outside workflows/ imports workflow code.
import type { DeliveryInput, DeliveryStatusView } from './delivery';
import type { HealthInput } from './endpointHealth';
import type { EventInput, EventResult } from './event';
import type { ReconcileInput, ReconcileResult, RetentionInput, RetentionResult } from './maintenance';
import type { RecoveryInput, RecoveryResult } from './recovery';

export type EventWorkflow = (input: EventInput) => Promise<EventResult>;
export type DeliveryWorkflow = (input: DeliveryInput) => Promise<DeliveryStatusView>;
export type EndpointHealthWorkflow = (input: HealthInput) => Promise<void>;
export type ReconcileWorkflow = (input: ReconcileInput) => Promise<ReconcileResult>;
export type RetentionWorkflow = (input: RetentionInput) => Promise<RetentionResult>;
export type RecoveryWorkflow = (input: RecoveryInput) => Promise<RecoveryResult>;

/** Workflow type name → signature; the worker registers exactly these (workflows/index.ts). */
export interface HeraldWorkflows {
  eventWorkflow: EventWorkflow;
  deliveryWorkflow: DeliveryWorkflow;
  endpointHealthWorkflow: EndpointHealthWorkflow;
  reconcileWorkflow: ReconcileWorkflow;
  retentionWorkflow: RetentionWorkflow;
  recoveryWorkflow: RecoveryWorkflow;
}

/** The workflow type names, typed so that a misspelt one does not compile. */
export const workflowTypes = {
  event: 'eventWorkflow',
  delivery: 'deliveryWorkflow',
  endpointHealth: 'endpointHealthWorkflow',
  reconcile: 'reconcileWorkflow',
  retention: 'retentionWorkflow',
  recovery: 'recoveryWorkflow',
} as const satisfies Record<string, keyof HeraldWorkflows>;
