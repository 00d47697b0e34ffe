// Shared undici connection pools. Deliveries to one receiver reuse keep-alive connections
// instead of paying a TCP/TLS handshake each time; created on first use so importing the
// delivery code opens nothing.
import { Agent, type Dispatcher } from 'undici';
import { guardedLookup } from './targetGuard';

/**
 * Connections per origin. The worker's activity concurrency bounds requests in flight; this only
 * has to be above it, or requests would queue in undici and spend their timeout waiting.
 */
const CONNECTIONS_PER_ORIGIN = 256;

let open: Agent | undefined;
let guarded: Agent | undefined;

/**
 * With private networks disallowed, every new connection resolves its host through guardedLookup,
 * so DNS rebinding between checkTargetUrl and connect cannot reach a private address.
 */
export function sharedDispatcher(allowPrivateNetworks: boolean): Dispatcher {
  if (allowPrivateNetworks) {
    open ??= new Agent({ connections: CONNECTIONS_PER_ORIGIN });
    return open;
  }
  guarded ??= new Agent({ connections: CONNECTIONS_PER_ORIGIN, connect: { lookup: guardedLookup } });
  return guarded;
}

/** For worker shutdown and tests: closes the shared pools (they are recreated on next use). */
export async function closeSharedDispatchers(): Promise<void> {
  const agents = [open, guarded].filter((a): a is Agent => a !== undefined);
  open = guarded = undefined;
  await Promise.all(agents.map((a) => a.close()));
}
