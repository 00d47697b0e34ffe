// Shared undici connection pools. Deliveries to one receiver reuse keep-alive connections
// instead of paying a TCP/TLS handshake each time; created on first use so importing the
// delivery code opens nothing.
import { Agent, type Dispatcher } from 'undici';
import { connectLookup, systemResolveHost, type ResolveHost } from './targetGuard';

/**
 * Connections per origin. The worker's activity concurrency bounds requests in flight; this only
 * has to be above it, or requests would queue in undici and spend their timeout waiting.
 */
const CONNECTIONS_PER_ORIGIN = 256;

// One pool per resolver and mode: a process has one of each, unless tests inject a resolver.
const open = new Map<ResolveHost, Agent>();
const guarded = new Map<ResolveHost, Agent>();

/**
 * With private networks disallowed, every new connection to a host name resolves it through the
 * connect-time guard, so DNS rebinding between checkTargetUrl and connect cannot reach a private
 * address. A connection reused from the pool costs no lookup.
 */
export function sharedDispatcher(allowPrivateNetworks: boolean, resolveHost: ResolveHost = systemResolveHost): Dispatcher {
  const pools = allowPrivateNetworks ? open : guarded;
  let agent = pools.get(resolveHost);
  if (!agent) {
    agent = new Agent({ connections: CONNECTIONS_PER_ORIGIN, connect: { lookup: connectLookup(resolveHost, !allowPrivateNetworks) } });
    pools.set(resolveHost, agent);
  }
  return agent;
}

/** For worker shutdown and tests: closes the shared pools (they are recreated on next use). */
export async function closeSharedDispatchers(): Promise<void> {
  const agents = [...open.values(), ...guarded.values()];
  open.clear();
  guarded.clear();
  await Promise.all(agents.map((a) => a.close()));
}
