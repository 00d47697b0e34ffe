// Every range of the guard's tables at its edges: its first and last address are refused and named
// by that range; the first address outside it on either side is public, unless another special
// range starts there (null: that range's own row covers it).
import { isPrivateAddress, specialAddressReason } from '../../src/outbound';

type Edge = [cidr: string, first: string, last: string, below: string | null, above: string | null];

const ONES = 'ffff:ffff:ffff:ffff:ffff:ffff';

const V4_EDGES: Edge[] = [
  ['0.0.0.0/32', '0.0.0.0', '0.0.0.0', null, null],
  ['0.0.0.0/8', '0.0.0.1', '0.255.255.255', null, '1.0.0.0'], // 0.0.0.0 is the /32 above
  ['10.0.0.0/8', '10.0.0.0', '10.255.255.255', '9.255.255.255', '11.0.0.0'],
  ['100.64.0.0/10', '100.64.0.0', '100.127.255.255', '100.63.255.255', '100.128.0.0'],
  ['127.0.0.0/8', '127.0.0.0', '127.255.255.255', '126.255.255.255', '128.0.0.0'],
  ['169.254.0.0/16', '169.254.0.0', '169.254.255.255', '169.253.255.255', '169.255.0.0'],
  ['172.16.0.0/12', '172.16.0.0', '172.31.255.255', '172.15.255.255', '172.32.0.0'],
  ['192.0.0.0/24', '192.0.0.0', '192.0.0.255', '191.255.255.255', '192.0.1.0'],
  ['192.0.2.0/24', '192.0.2.0', '192.0.2.255', '192.0.1.255', '192.0.3.0'],
  ['192.31.196.0/24', '192.31.196.0', '192.31.196.255', '192.31.195.255', '192.31.197.0'],
  ['192.52.193.0/24', '192.52.193.0', '192.52.193.255', '192.52.192.255', '192.52.194.0'],
  ['192.88.99.0/24', '192.88.99.0', '192.88.99.255', '192.88.98.255', '192.88.100.0'],
  ['192.168.0.0/16', '192.168.0.0', '192.168.255.255', '192.167.255.255', '192.169.0.0'],
  ['192.175.48.0/24', '192.175.48.0', '192.175.48.255', '192.175.47.255', '192.175.49.0'],
  ['198.18.0.0/15', '198.18.0.0', '198.19.255.255', '198.17.255.255', '198.20.0.0'],
  ['198.51.100.0/24', '198.51.100.0', '198.51.100.255', '198.51.99.255', '198.51.101.0'],
  ['203.0.113.0/24', '203.0.113.0', '203.0.113.255', '203.0.112.255', '203.0.114.0'],
  ['224.0.0.0/4', '224.0.0.0', '239.255.255.255', '223.255.255.255', null],
  ['240.0.0.0/4', '240.0.0.0', '255.255.255.254', null, null],
  ['255.255.255.255/32', '255.255.255.255', '255.255.255.255', null, null],
];

const V6_EDGES: Edge[] = [
  ['::/128', '::', '::', null, null],
  ['::1/128', '::1', '::1', null, null],
  ['::/96', '::2', '::ffff:ffff', null, null], // :: and ::1 are named above; past it, outside 2000::/3
  ['::ffff:0:0:0/96', '::ffff:0:0:0', '::ffff:0:ffff:ffff', null, null],
  ['64:ff9b:1::/48', '64:ff9b:1::', `64:ff9b:1:ffff:ffff:ffff:ffff:ffff`, null, null],
  ['100::/64', '100::', '100::ffff:ffff:ffff:ffff', null, null],
  ['100:0:0:1::/64', '100:0:0:1::', '100::1:ffff:ffff:ffff:ffff', null, null],
  ['2001::/32', '2001::', `2001:0:${ONES}`, `2000:ffff:${ONES}`, null],
  ['2001:2::/48', '2001:2::', '2001:2:0:ffff:ffff:ffff:ffff:ffff', null, null],
  ['2001:10::/28', '2001:10::', `2001:1f:${ONES}`, null, null],
  ['2001:20::/28', '2001:20::', `2001:2f:${ONES}`, null, null],
  ['2001::/23', '2001:1::', `2001:1ff:${ONES}`, null, '2001:200::'], // 2001::/32 is Teredo
  ['2001:db8::/32', '2001:db8::', `2001:db8:${ONES}`, `2001:db7:${ONES}`, '2001:db9::'],
  ['2002::/16', '2002::', `2002:ffff:${ONES}`, `2001:ffff:${ONES}`, '2003::'],
  ['2620:4f:8000::/48', '2620:4f:8000::', '2620:4f:8000:ffff:ffff:ffff:ffff:ffff', '2620:4f:7fff:ffff:ffff:ffff:ffff:ffff', '2620:4f:8001::'],
  ['3fff::/20', '3fff::', `3fff:fff:${ONES}`, `3ffe:ffff:${ONES}`, '3fff:1000::'],
  ['5f00::/16', '5f00::', `5f00:ffff:${ONES}`, null, null],
  ['fc00::/7', 'fc00::', `fdff:ffff:${ONES}`, null, null],
  ['fe80::/10', 'fe80::', `febf:ffff:${ONES}`, null, null],
  ['fec0::/10', 'fec0::', `feff:ffff:${ONES}`, null, null],
  ['ff00::/8', 'ff00::', `ffff:ffff:${ONES}`, null, null],
];

describe.each([
  ['IPv4', V4_EDGES],
  ['IPv6', V6_EDGES],
])('the %s special ranges', (_family, edges) => {
  it.each(edges)('%s: first and last address inside, and nothing just outside', (cidr, first, last, below, above) => {
    expect(specialAddressReason(first)).toContain(`in ${cidr} (`);
    expect(specialAddressReason(last)).toContain(`in ${cidr} (`);
    for (const outside of [below, above]) if (outside !== null) expect(specialAddressReason(outside)).toBeNull();
  });
});

describe('IPv6 outside the global unicast block 2000::/3', () => {
  it.each(['::1:0:0', '1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '4000::', 'e000::1', '64:ff9b:2::1'])('refuses %s', (ip) => {
    expect(specialAddressReason(ip)).toContain('outside 2000::/3');
  });

  it.each(['2000::', '3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '2001:4860:4860::8888', '2606:4700::1111', '2a00:1450:4001::200e'])('lets through %s', (ip) => {
    expect(specialAddressReason(ip)).toBeNull();
  });
});

describe('forms that embed an IPv4 address', () => {
  it.each([
    ['::ffff:127.0.0.1', 'the IPv4-mapped form of 127.0.0.1, in 127.0.0.0/8 (loopback)'],
    ['::ffff:7f00:1', 'the IPv4-mapped form of 127.0.0.1, in 127.0.0.0/8 (loopback)'],
    ['0:0:0:0:0:ffff:7f00:1', 'the IPv4-mapped form of 127.0.0.1, in 127.0.0.0/8 (loopback)'],
    ['::ffff:a9fe:a9fe', 'the IPv4-mapped form of 169.254.169.254, in 169.254.0.0/16'],
    ['::ffff:0:0', 'the IPv4-mapped form of 0.0.0.0, in 0.0.0.0/32 (this host)'],
    ['::ffff:ffff:ffff', 'the IPv4-mapped form of 255.255.255.255, in 255.255.255.255/32 (limited broadcast)'],
    ['::ffff:192.88.99.1', 'the IPv4-mapped form of 192.88.99.1, in 192.88.99.0/24'],
    ['64:ff9b::10.0.0.1', 'the NAT64 form of 10.0.0.1, in 10.0.0.0/8 (private use)'],
    ['64:ff9b::c000:201', 'the NAT64 form of 192.0.2.1, in 192.0.2.0/24'],
  ])('judges %s by its IPv4 address', (ip, reason) => {
    expect(specialAddressReason(ip)).toContain(reason);
  });

  it.each(['::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::8.8.8.8', '64:ff9b::101:101'])('lets through %s, a public IPv4 address', (ip) => {
    expect(specialAddressReason(ip)).toBeNull();
  });

  it.each([
    ['::8.8.8.8', '::/96'], // IPv4-compatible
    ['::ffff:0:8.8.8.8', '::ffff:0:0:0/96'], // IPv4-translated
    ['64:ff9b:1::808:808', '64:ff9b:1::/48'], // local-use NAT64
    ['2002:808:808::1', '2002::/16'], // 6to4
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', '2001::/32'], // Teredo
  ])('refuses %s outright, whatever IPv4 address it carries', (ip, cidr) => {
    expect(specialAddressReason(ip)).toContain(`in ${cidr} (`);
  });
});

describe('isPrivateAddress', () => {
  it.each([
    ['[::1]', true],
    ['fe80::1%eth0', true],
    ['[fe80::1%25eth0]', true],
    ['FE80::1', true],
    ['8.8.8.8', false],
    ['1.1.1.1', false],
    ['[2606:4700::1111]', false],
  ])('%s → %s (brackets, zone ids and case do not matter)', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });

  // Resolvers answer dotted quads; anything else is refused rather than guessed at.
  it.each(['not-an-ip', '', '2130706433', '0177.0.0.1', '0x7f.1', '127.1', '1.2.3.4.5', '::ffff:1.2.3'])('fails closed on %p', (ip) => {
    expect(specialAddressReason(ip)).toBe('not an IP address');
  });
});
