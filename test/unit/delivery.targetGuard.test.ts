// The URL check and the connect-time lookup. Host names resolve through the test resolver, so no
// case here depends on real DNS; which addresses are special: delivery.specialAddresses.test.ts.
import type { LookupAddress } from 'node:dns';
import { checkTargetUrl } from '../../src/outbound';
import { connectLookup, REFUSED_TARGET_CODE, systemResolveHost, type ResolveHost } from '../../src/outbound/targetGuard';
import { createTestResolver } from '../support/resolver';

const resolver = createTestResolver();
resolver.answer('internal.test', ['10.0.0.5']);
resolver.answer('mixed.test', [['93.184.215.14', '127.0.0.1']]);
resolver.answer('public.test', [['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']]);
resolver.answer('empty.test', [[]]);
const strict = { allowPrivateNetworks: false, requireHttps: false, resolveHost: resolver.resolveHost };

describe('checkTargetUrl', () => {
  // WHATWG URL parsing, which undici uses too, turns every spelling of an address into one form.
  it.each([
    ['http://127.0.0.1:8080/hook', '127.0.0.1 is in 127.0.0.0/8 (loopback)'],
    ['http://2130706433/', '127.0.0.1 is in 127.0.0.0/8'], // decimal
    ['http://017700000001/', '127.0.0.1 is in 127.0.0.0/8'], // octal
    ['http://0177.0.0.1/', '127.0.0.1 is in 127.0.0.0/8'], // octal parts
    ['http://0x7f.1/', '127.0.0.1 is in 127.0.0.0/8'], // hex, short
    ['http://0x7f000001/', '127.0.0.1 is in 127.0.0.0/8'], // hex
    ['http://127.1/', '127.0.0.1 is in 127.0.0.0/8'], // short
    ['http://127.0.0.1./', '127.0.0.1 is in 127.0.0.0/8'], // trailing dot
    ['http://１２７.0.0.1/', '127.0.0.1 is in 127.0.0.0/8'], // full-width digits
    ['http://0/', '0.0.0.0 is in 0.0.0.0/32 (this host)'],
    ['http://[::1]/hook', '::1 is in ::1/128 (loopback)'],
    ['http://[::]/', ':: is in ::/128 (unspecified)'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 is the IPv4-mapped form of 127.0.0.1, in 127.0.0.0/8'],
    ['http://[::ffff:7f00:1]/', '::ffff:7f00:1 is the IPv4-mapped form of 127.0.0.1'],
    ['http://[0:0:0:0:0:ffff:a9fe:a9fe]/', '::ffff:a9fe:a9fe is the IPv4-mapped form of 169.254.169.254'],
    ['http://[2002:7f00:1::]/', '2002:7f00:1:: is in 2002::/16 (6to4)'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254 is in 169.254.0.0/16'],
    ['http://[fd00:ec2::254]/', 'fd00:ec2::254 is in fc00::/7 (unique local)'],
    ['http://100.100.100.200/', '100.100.100.200 is in 100.64.0.0/10'],
    ['http://255.255.255.255/', '255.255.255.255 is in 255.255.255.255/32 (limited broadcast)'],
    ['http://internal.test:8080/', 'internal.test resolves to 10.0.0.5, in 10.0.0.0/8 (private use)'],
    ['http://INTERNAL.test./', 'resolves to 10.0.0.5'],
    ['http://mixed.test/', 'mixed.test resolves to 127.0.0.1, in 127.0.0.0/8'], // one private answer refuses the name
  ])('refuses %s: %s', async (url, reason) => {
    const result = await checkTargetUrl(url, strict);
    expect(result).toMatchObject({ ok: false, kind: 'refused-target' });
    expect(!result.ok && result.reason).toMatch(/^targets a private or special-use address: /);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it.each([
    ['ftp://example.com/', 'scheme ftp: is not http or https'],
    ['file:///etc/passwd', 'scheme file: is not http or https'],
    ['not a url', 'invalid URL'],
    ['http://[fe80::1%25eth0]/', 'invalid URL'], // WHATWG URLs have no IPv6 zone ids
  ])('refuses %s as malformed', async (url, reason) => {
    await expect(checkTargetUrl(url, strict)).resolves.toMatchObject({ ok: false, kind: 'refused-target', reason: expect.stringContaining(reason) });
  });

  it('reports a name that does not resolve, or resolves to nothing, as dns', async () => {
    await expect(checkTargetUrl('http://nowhere.test/', strict)).resolves.toEqual({ ok: false, kind: 'dns', reason: 'cannot resolve nowhere.test: ENOTFOUND' });
    await expect(checkTargetUrl('http://empty.test/', strict)).resolves.toMatchObject({ ok: false, kind: 'dns' });
  });

  it('lets through public literals without a lookup, and names whose every address is public', async () => {
    await expect(checkTargetUrl('https://93.184.215.14/hook', strict)).resolves.toEqual({ ok: true });
    await expect(checkTargetUrl('http://[2606:4700::1111]/', strict)).resolves.toEqual({ ok: true });
    await expect(checkTargetUrl('http://[::ffff:8.8.8.8]/', strict)).resolves.toEqual({ ok: true });
    await expect(checkTargetUrl('https://public.test/', strict)).resolves.toEqual({ ok: true });
  });

  it('allows private targets when the deployment does, without a lookup', async () => {
    const lookups = resolver.lookups('internal.test');
    await expect(checkTargetUrl('http://internal.test/', { ...strict, allowPrivateNetworks: true })).resolves.toEqual({ ok: true });
    expect(resolver.lookups('internal.test')).toBe(lookups);
  });

  it('lets through exactly the allowed ip:port targets, however the URL spells them', async () => {
    const opts = { ...strict, allowedTargets: ['127.0.0.1:8080', '[::1]:80'] };
    await expect(checkTargetUrl('http://127.0.0.1:8080/hooks', opts)).resolves.toEqual({ ok: true });
    await expect(checkTargetUrl('http://2130706433:8080/', opts)).resolves.toEqual({ ok: true }); // the same target
    await expect(checkTargetUrl('http://[::1]/', opts)).resolves.toEqual({ ok: true }); // port 80 is http's
    for (const other of ['http://127.0.0.1:8081/', 'http://127.0.0.1/', 'https://127.0.0.1/', 'https://[::1]/', 'http://[::ffff:127.0.0.1]:8080/']) {
      await expect(checkTargetUrl(other, opts)).resolves.toMatchObject({ ok: false, kind: 'refused-target' });
    }
    // A name is judged by its answers: the allow-list holds addresses, not what DNS says today.
    resolver.answer('loopback.test', ['127.0.0.1']);
    await expect(checkTargetUrl('http://loopback.test:8080/', opts)).resolves.toMatchObject({ ok: false, kind: 'refused-target' });
  });

  it('requires https when the workspace does', async () => {
    const opts = { allowPrivateNetworks: true, requireHttps: true };
    await expect(checkTargetUrl('http://127.0.0.1/', opts)).resolves.toMatchObject({ ok: false, reason: expect.stringContaining('https') });
    await expect(checkTargetUrl('https://127.0.0.1/', opts)).resolves.toEqual({ ok: true });
  });
});

describe('connectLookup', () => {
  const lookup = (resolveHost: ResolveHost, refusePrivate: boolean, host: string, options: { all?: boolean; family?: number } = {}) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) =>
      connectLookup(resolveHost, refusePrivate)(host, options, (err, address, family) => resolve({ err, address, family })),
    );

  it('fails a connection to a name that resolves to a special address, naming it', async () => {
    const { err } = await lookup(resolver.resolveHost, true, 'internal.test', { all: true });
    expect(err?.code).toBe(REFUSED_TARGET_CODE);
    expect(err?.message).toBe('targets a private or special-use address (at connect): internal.test resolves to 10.0.0.5, in 10.0.0.0/8 (private use)');
  });

  it('is never handed a public address by the test resolver', async () => {
    const { err } = await lookup(resolver.resolveHost, false, 'public.test');
    expect(err?.message).toContain('does not connect anything to 93.184.215.14');
  });

  it('answers as dns.lookup does: every address, or the first of the family asked for', async () => {
    // Not the test resolver: it gives no connection a public address. Nothing connects here.
    const publicAnswers: ResolveHost = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ];
    await expect(lookup(publicAnswers, true, 'public.test', { all: true })).resolves.toEqual({
      err: null,
      address: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
      ],
      family: undefined,
    });
    await expect(lookup(publicAnswers, true, 'public.test')).resolves.toEqual({ err: null, address: '93.184.215.14', family: 4 });
    await expect(lookup(publicAnswers, true, 'public.test', { family: 6 })).resolves.toMatchObject({ address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c' });
  });

  it('passes resolver errors through, for the attempt to record as dns', async () => {
    const { err } = await lookup(resolver.resolveHost, true, 'nowhere.test', { all: true });
    expect(err?.code).toBe('ENOTFOUND');
  });

  it('lets private answers through when the deployment allows private networks', async () => {
    await expect(lookup(resolver.resolveHost, false, 'internal.test')).resolves.toEqual({ err: null, address: '10.0.0.5', family: 4 });
  });

  it('guards the system resolver too', async () => {
    const { err } = await lookup(systemResolveHost, true, 'localhost', { all: true });
    expect(err?.code).toBe(REFUSED_TARGET_CODE);
  });
});
