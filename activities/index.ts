// The worker's activities, assembled from one module per workflow family. They hold the I/O
// (store, HTTP, Temporal client); the decisions they take are the few that need what only an
// attempt sees (see attempt.ts).
import type { DeliveryActivities, EndpointHealthActivities, HeraldActivities } from '../workflows/contracts/activities';
import { createDeliveryActivities, type DeliveryDeps } from './attempt';
import { createEndpointHealthActivities } from './endpointHealth';
import { createMaintenanceActivities } from './maintenance';
import { createRecoveryActivities } from './recovery';
import type { ActivationLinkIssuer } from '../src/services/activationLinks';

export interface ActivityDeps extends DeliveryDeps {
  /** Signs the one-click activation link of a deactivation; absent without HERALD_PUBLIC_URL. */
  activationLinks?: ActivationLinkIssuer;
}

export function createActivities(deps: ActivityDeps): HeraldActivities {
  return {
    ...createDeliveryActivities(deps),
    ...createEndpointHealthActivities(deps.store, deps.activationLinks),
    ...createMaintenanceActivities(deps.store),
    ...createRecoveryActivities(deps.store),
  };
}

/** What the endpoint-health workflow calls: its own activities, and the two of a replayed attempt. */
export type HealthWorkflowActivities = EndpointHealthActivities & DeliveryActivities;
