// Outgoing safety: Herald sends requests on behalf of tenants, so a webhook URL must not
// reach the deployment's own network (databases, Temporal, the cloud metadata endpoint) unless the
// deployment allows private targets (dev and tests do). Which addresses count: specialAddresses.ts.
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { specialAddressReason } from './specialAddresses';

/**
 * How Herald resolves a target's host name: every address, as `dns.lookup` with `all: true`
 * answers. Both checkTargetUrl and a new connection's own lookup go through it; `purpose` says
 * which, so a test can answer them differently, as a rebinding DNS server would.
 */
export type ResolveHost = (hostname: string, purpose: 'check' | 'connect') => Promise<LookupAddress[]>;

export const systemResolveHost: ResolveHost = (hostname) => dnsLookup(hostname, { all: true });

/** What the deployment lets webhooks reach; a workspace adds its own `requireHttps`. */
export interface TargetAccess {
  /** HERALD_ALLOW_PRIVATE_NETWORKS: dev and tests reach loopback and private networks. */
  allowPrivateNetworks: boolean;
  /** HERALD_ALLOWED_TARGETS: `ip:port` pairs let through although private (canonical form, see config). */
  allowedTargets?: readonly string[];
  /** The system resolver unless a test injects its own answers. */
  resolveHost?: ResolveHost;
}

export interface TargetGuardOptions extends TargetAccess {
  requireHttps: boolean;
}

export type TargetCheck =
  | { ok: true }
  /** `kind` is how a refusal is recorded on the attempt: a name that does not resolve is `dns`. */
  | { ok: false; reason: string; kind: 'refused-target' | 'dns' };

const REFUSED = 'targets a private or special-use address';

/**
 * Checks a webhook URL when it is set and right before each attempt (DNS answers change, so a
 * check at creation time is not enough). Literal IPs are judged directly; host names are resolved
 * and refused if any address they resolve to is special.
 */
export async function checkTargetUrl(url: string, opts: TargetGuardOptions): Promise<TargetCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refused(`invalid URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return refused(`scheme ${parsed.protocol} is not http or https`);
  if (opts.requireHttps && parsed.protocol !== 'https:') return refused('the workspace requires https targets');
  if (opts.allowPrivateNetworks) return { ok: true };

  // WHATWG URL parsing (undici's too) already turned 2130706433, 0177.0.0.1, 0x7f.1 and 127.1
  // into 127.0.0.1, and [::ffff:127.0.0.1] into [::ffff:7f00:1].
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    if (opts.allowedTargets?.includes(targetKey(parsed))) return { ok: true };
    const reason = specialAddressReason(host);
    return reason ? refused(`${REFUSED}: ${host} is ${reason}`) : { ok: true };
  }

  let addresses: LookupAddress[];
  try {
    addresses = await (opts.resolveHost ?? systemResolveHost)(host, 'check');
  } catch (err) {
    return { ok: false, kind: 'dns', reason: `cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  if (addresses.length === 0) return { ok: false, kind: 'dns', reason: `cannot resolve ${host}: no address` };
  const refusal = refusalOf(host, addresses);
  return refusal ? refused(`${REFUSED}: ${refusal}`) : { ok: true };
}

/**
 * A URL's `ip:port` as HERALD_ALLOWED_TARGETS lists it: the WHATWG host (IPv6 in brackets,
 * compressed) and the port, explicit even when it is the scheme's default.
 */
export function targetKey(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

/** Error code of a connection refused by the connect-time guard; send.ts records it as refused-target. */
export const REFUSED_TARGET_CODE = 'ERR_HERALD_REFUSED_TARGET';

/**
 * The `lookup` of every new connection to a host name (IP literals connect without one, and were
 * judged by checkTargetUrl). With `refusePrivate`, it fails when the name resolves to a special
 * address: that closes the gap between checkTargetUrl's lookup and this one, in which a
 * rebinding DNS server could swap a public answer for a private one.
 */
export function connectLookup(resolveHost: ResolveHost, refusePrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const answered = (addresses: LookupAddress[]): void => {
      const refusal = refusePrivate ? refusalOf(hostname, addresses) : null;
      if (refusal) {
        const error: NodeJS.ErrnoException = new Error(`${REFUSED} (at connect): ${refusal}`);
        error.code = REFUSED_TARGET_CODE;
        return callback(error, '');
      }
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
      const usable = family ? addresses.filter((a) => a.family === family) : addresses;
      const first = usable[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      if (options.all) return callback(null, usable);
      callback(null, first.address, first.family);
    };
    resolveHost(hostname, 'connect').then(answered, (error: NodeJS.ErrnoException) => callback(error, ''));
  };
}

/** Why `host`'s answer must not be reached: any one special address refuses the whole name. */
function refusalOf(host: string, addresses: LookupAddress[]): string | null {
  for (const { address } of addresses) {
    const reason = specialAddressReason(address);
    if (reason) return `${host} resolves to ${address}, ${reason}`;
  }
  return null;
}

function refused(reason: string): TargetCheck {
  return { ok: false, kind: 'refused-target', reason };
}
