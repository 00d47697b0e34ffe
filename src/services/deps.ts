import type { Config } from '../config';
import type { ResolveHost, TargetAccess } from '../outbound';
import type { Store } from '../store';
import type { TemporalDeps } from '../temporal/client';

/** What the services need, wired once by the API (buildApp) and handed to every route plugin. */
export interface AppDeps {
  config: Config;
  store: Store;
  temporal: TemporalDeps;
  /** Resolves webhook host names; the system resolver unless a test injects its own answers. */
  resolveHost?: ResolveHost;
}

/** What webhook URLs may reach, for the checks at creation and the test deliveries. */
export function targetAccess(deps: AppDeps): TargetAccess {
  const { allowPrivateNetworks, allowedTargets } = deps.config;
  return { allowPrivateNetworks, allowedTargets, ...(deps.resolveHost ? { resolveHost: deps.resolveHost } : {}) };
}
