// The addresses a webhook must never reach: every range of the IANA IPv4 and IPv6 Special-Purpose
// Address Registries (as of 2026), multicast and broadcast, and all IPv6 space outside 2000::/3,
// the only block IANA allocates for global unicast. Ranges the registry marks globally reachable
// (AS112, AMT, PCP and TURN anycast) are refused too: they are infrastructure, never a receiver.
import { isIP } from 'node:net';

// [range, name]: the first match names the range in the refusal, so a narrower range comes first.
type Range = readonly [cidr: string, name: string];

const SPECIAL_V4: readonly Range[] = [
  ['0.0.0.0/32', 'this host'], // RFC 1122; Linux connects 0.0.0.0 to the local host
  ['0.0.0.0/8', 'this network'], // RFC 791
  ['10.0.0.0/8', 'private use'], // RFC 1918
  ['100.64.0.0/10', 'shared address space (carrier-grade NAT)'], // RFC 6598
  ['127.0.0.0/8', 'loopback'], // RFC 1122
  ['169.254.0.0/16', 'link-local, holds the cloud metadata endpoint'], // RFC 3927; 169.254.169.254
  ['172.16.0.0/12', 'private use'], // RFC 1918
  ['192.0.0.0/24', 'IETF protocol assignments'], // RFC 6890: DS-Lite, PCP and TURN anycast, NAT64 discovery
  ['192.0.2.0/24', 'documentation (TEST-NET-1)'], // RFC 5737
  ['192.31.196.0/24', 'AS112 DNS sink'], // RFC 7535
  ['192.52.193.0/24', 'AMT relays'], // RFC 7450
  ['192.88.99.0/24', '6to4 relay anycast, deprecated'], // RFC 7526
  ['192.168.0.0/16', 'private use'], // RFC 1918
  ['192.175.48.0/24', 'AS112 direct delegation'], // RFC 7534
  ['198.18.0.0/15', 'benchmarking'], // RFC 2544
  ['198.51.100.0/24', 'documentation (TEST-NET-2)'], // RFC 5737
  ['203.0.113.0/24', 'documentation (TEST-NET-3)'], // RFC 5737
  ['224.0.0.0/4', 'multicast'], // RFC 5771
  ['255.255.255.255/32', 'limited broadcast'], // RFC 919
  ['240.0.0.0/4', 'reserved'], // RFC 1112
];

// IPv6 forms that carry an IPv4 address in their last 32 bits and reach that address: judged by it,
// so a public IPv4 receiver stays reachable from a dual-stack or IPv6-only (DNS64) deployment.
const EMBEDS_V4: readonly Range[] = [
  ['::ffff:0:0/96', 'IPv4-mapped'], // RFC 4291: the kernel sends to the IPv4 address itself
  ['64:ff9b::/96', 'NAT64'], // RFC 6052: the deployment's NAT64 gateway forwards to the IPv4 address
];

const SPECIAL_V6: readonly Range[] = [
  ['::/128', 'unspecified'], // RFC 4291; Linux connects :: to the local host
  ['::1/128', 'loopback'], // RFC 4291
  // The other forms that embed IPv4 are refused, not judged: nothing legitimate uses them, or the
  // IPv4 address inside is not where the packet goes.
  ['::/96', 'IPv4-compatible, deprecated'], // RFC 4291
  ['::ffff:0:0:0/96', 'IPv4-translated'], // RFC 2765, obsolete
  ['64:ff9b:1::/48', 'local-use NAT64'], // RFC 8215: where the IPv4 address sits is the operator's choice
  ['100::/64', 'discard-only'], // RFC 6666
  ['100:0:0:1::/64', 'dummy prefix'], // RFC 9780
  ['2001::/32', 'Teredo'], // RFC 4380: embeds a relay's and an obfuscated client's IPv4 addresses
  ['2001:2::/48', 'benchmarking'], // RFC 5180
  ['2001:10::/28', 'ORCHID, deprecated'], // RFC 4843
  ['2001:20::/28', 'ORCHIDv2'], // RFC 7343
  ['2001::/23', 'IETF protocol assignments'], // RFC 2928: also AMT, AS112, PCP and TURN anycast, DETs
  ['2001:db8::/32', 'documentation'], // RFC 3849
  ['2002::/16', '6to4'], // RFC 3056, deprecated by RFC 7526: embeds a relay router's IPv4 address
  ['2620:4f:8000::/48', 'AS112 direct delegation'], // RFC 7534
  ['3fff::/20', 'documentation'], // RFC 9637
  ['5f00::/16', 'SRv6 segment identifiers'], // RFC 9602
  ['fc00::/7', 'unique local'], // RFC 4193; AWS's metadata endpoint fd00:ec2::254 is here
  ['fe80::/10', 'link-local'], // RFC 4291
  ['fec0::/10', 'site-local, deprecated'], // RFC 3879
  ['ff00::/8', 'multicast'], // RFC 4291
];

const GLOBAL_UNICAST_V6 = '2000::/3';

interface Subnet {
  cidr: string;
  name: string;
  prefix: bigint;
  len: number;
}

const subnets = (ranges: readonly Range[], parse: (address: string) => bigint): Subnet[] =>
  ranges.map(([cidr, name]) => {
    const [address = '', len = ''] = cidr.split('/');
    return { cidr, name, prefix: parse(address), len: Number(len) };
  });

const V4 = subnets(SPECIAL_V4, parseV4);
const V6_EMBEDS = subnets(EMBEDS_V4, parseV6);
const V6 = subnets(SPECIAL_V6, parseV6);
const [GLOBAL_V6] = subnets([[GLOBAL_UNICAST_V6, 'global unicast']], parseV6) as [Subnet];

/**
 * Why a webhook must not reach `ip`, as a phrase that follows the address ("in 127.0.0.0/8
 * (loopback)"), or null for an ordinary public address. Anything that is not an IP address is
 * refused too: the guard fails closed. Brackets and an IPv6 zone id are ignored.
 */
export function specialAddressReason(ip: string): string | null {
  const address = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(address);
  if (version === 4) return v4Reason(parseV4(address));
  if (version !== 6) return 'not an IP address';
  const bits = parseV6(address);
  const embedding = find(bits, 128, V6_EMBEDS);
  if (embedding) {
    const v4 = bits & 0xffffffffn;
    const reason = v4Reason(v4);
    return reason && `the ${embedding.name} form of ${formatV4(v4)}, ${reason}`;
  }
  const special = find(bits, 128, V6);
  if (special) return describe(special);
  return find(bits, 128, [GLOBAL_V6]) ? null : `outside ${GLOBAL_UNICAST_V6}, the only IPv6 space allocated for global unicast`;
}

/** True for any address a tenant's webhook must not reach (see specialAddressReason). */
export function isPrivateAddress(ip: string): boolean {
  return specialAddressReason(ip) !== null;
}

function v4Reason(bits: bigint): string | null {
  const special = find(bits, 32, V4);
  return special ? describe(special) : null;
}

const describe = ({ cidr, name }: Subnet): string => `in ${cidr} (${name})`;

function find(bits: bigint, width: number, ranges: Subnet[]): Subnet | undefined {
  return ranges.find(({ prefix, len }) => {
    const shift = BigInt(width - len);
    return bits >> shift === prefix >> shift;
  });
}

/** 32-bit value of a dotted-quad address (validated by isIP, so no octal or short forms). */
function parseV4(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function formatV4(bits: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((bits >> shift) & 0xffn)).join('.');
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
