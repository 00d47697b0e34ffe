// Outgoing safety: Herald sends requests on behalf of tenants, so a webhook URL must not
// reach the deployment's own network (databases, Temporal, the cloud metadata endpoint) unless the
// deployment allows private targets (dev and tests do).
import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { lookup as lookupAll } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface TargetGuardOptions {
  allowPrivateNetworks: boolean;
  requireHttps: boolean;
}

export type TargetCheck =
  | { ok: true }
  /** `kind` is how a refusal is recorded on the attempt: a name that does not resolve is `dns`. */
  | { ok: false; reason: string; kind: 'refused-target' | 'dns' };

// [first address, prefix length], written as text so the tables read like the RFCs.
type Range = readonly [string, number];

const PRIVATE_V4: readonly Range[] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, includes the 169.254.169.254 metadata endpoint
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, includes broadcast 255.255.255.255
];

const PRIVATE_V6: readonly Range[] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique-local (includes AWS's fd00:ec2::254 metadata)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
];

// IPv6 forms that carry an IPv4 address: judged by the IPv4 address they reach.
const EMBEDS_V4: readonly Range[] = [
  ['::ffff:0:0', 96], // IPv4-mapped
  ['::', 96], // deprecated IPv4-compatible (also catches :: and ::1, as 0.0.0.0/8)
  ['64:ff9b::', 96], // NAT64 well-known prefix
];

interface Subnet {
  prefix: bigint;
  len: number;
}
const V4_SUBNETS: Subnet[] = PRIVATE_V4.map(([a, len]) => ({ prefix: parseV4(a), len }));
const V6_SUBNETS: Subnet[] = PRIVATE_V6.map(([a, len]) => ({ prefix: parseV6(a), len }));
const EMBEDS_V4_SUBNETS: Subnet[] = EMBEDS_V4.map(([a, len]) => ({ prefix: parseV6(a), len }));

/**
 * True for any address a tenant's webhook must not reach. Anything that is not a parsable IP
 * address counts as private too: the guard fails closed.
 */
export function isPrivateAddress(ip: string): boolean {
  const address = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // brackets, IPv6 zone id
  const version = isIP(address);
  if (version === 4) return inAny(parseV4(address), 32, V4_SUBNETS);
  if (version !== 6) return true;
  const bits = parseV6(address);
  if (inAny(bits, 128, EMBEDS_V4_SUBNETS)) return inAny(bits & 0xffffffffn, 32, V4_SUBNETS);
  return inAny(bits, 128, V6_SUBNETS);
}

/**
 * Checks a webhook URL right before a request (DNS answers change, so a check at creation time
 * is not enough). Literal IPs are judged directly; host names are resolved and refused if any
 * address they resolve to is private.
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

  // WHATWG URL parsing already turned 2130706433 or 0x7f.1 into 127.0.0.1.
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPrivateAddress(host) ? refused(`${host} is a private address`) : { ok: true };

  let addresses: LookupAddress[];
  try {
    addresses = await lookupAll(host, { all: true });
  } catch (err) {
    return { ok: false, kind: 'dns', reason: `cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  const blocked = addresses.find((a) => isPrivateAddress(a.address));
  return blocked ? refused(`${host} resolves to private address ${blocked.address}`) : { ok: true };
}

/** Error code of a connection refused by `guardedLookup`; send.ts records it as refused-target. */
export const REFUSED_TARGET_CODE = 'ERR_HERALD_REFUSED_TARGET';

/**
 * A `dns.lookup` for socket connections that fails when the name resolves to a private address.
 * It closes the gap between checkTargetUrl's lookup and the connect's own lookup, in which a
 * rebinding DNS server could swap a public answer for a private one.
 */
export function guardedLookup(
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked) {
      const refusal: NodeJS.ErrnoException = new Error(`${hostname} resolves to private address ${blocked.address}`);
      refusal.code = REFUSED_TARGET_CODE;
      return callback(refusal, '');
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
    callback(null, first.address, first.family);
  });
}

function refused(reason: string): TargetCheck {
  return { ok: false, kind: 'refused-target', reason };
}

function inAny(bits: bigint, width: number, ranges: Subnet[]): boolean {
  return ranges.some(({ prefix, len }) => {
    const shift = BigInt(width - len);
    return bits >> shift === prefix >> shift;
  });
}

function parseV4(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** 128-bit value of a valid IPv6 address (validated by isIP), including a dotted IPv4 tail. */
function parseV6(address: string): bigint {
  let text = address.toLowerCase();
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail?.[1]) {
    const v4 = parseV4(v4Tail[1]);
    text = text.slice(0, -v4Tail[1].length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}
