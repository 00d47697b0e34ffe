import { checkTargetUrl, isPrivateAddress } from '../../src/delivery';
import { guardedLookup, REFUSED_TARGET_CODE } from '../../src/delivery/targetGuard';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['169.254.1.1', true],
    ['100.64.0.1', true],
    ['100.127.255.255', true],
    ['100.128.0.1', false],
    ['0.0.0.0', true],
    ['0.1.2.3', true],
    ['224.0.0.1', true],
    ['239.255.255.250', true],
    ['255.255.255.255', true],
    ['8.8.8.8', false],
    ['1.1.1.1', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['[::1]', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['febf::1', true],
    ['fc00::1', true],
    ['fd12:3456::1', true],
    ['fd00:ec2::254', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:169.254.169.254', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::10.0.0.1', true],
    ['64:ff9b::8.8.8.8', false],
    ['2001:4860:4860::8888', false],
    ['2606:4700::1111', false],
    ['not-an-ip', true],
    ['', true],
  ])('%s → %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });
});

describe('checkTargetUrl', () => {
  const strict = { allowPrivateNetworks: false, requireHttps: false };

  it.each([
    ['http://127.0.0.1:8080/hook', 'private address'],
    ['http://[::1]/hook', 'private address'],
    ['http://[::ffff:7f00:1]/', 'private address'],
    ['http://2130706433/', 'private address'], // 127.0.0.1 as a number
    ['http://0x7f.1/', 'private address'],
    ['http://169.254.169.254/latest/meta-data', 'private address'],
    ['http://localhost:3000/', 'resolves to private address'],
    ['ftp://example.com/', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['not a url', 'invalid URL'],
  ])('refuses %s', async (url, reason) => {
    const result = await checkTargetUrl(url, strict);
    expect(result).toMatchObject({ ok: false, kind: 'refused-target' });
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('allows public literal addresses without DNS', async () => {
    await expect(checkTargetUrl('https://93.184.216.34/hook', strict)).resolves.toEqual({ ok: true });
    await expect(checkTargetUrl('http://[2606:4700::1111]/', strict)).resolves.toEqual({ ok: true });
  });

  it('allows private targets when the deployment does', async () => {
    await expect(checkTargetUrl('http://127.0.0.1:8080/', { allowPrivateNetworks: true, requireHttps: false })).resolves.toEqual({ ok: true });
  });

  it('requires https when the workspace does', async () => {
    const opts = { allowPrivateNetworks: true, requireHttps: true };
    await expect(checkTargetUrl('http://127.0.0.1/', opts)).resolves.toMatchObject({ ok: false, reason: expect.stringContaining('https') });
    await expect(checkTargetUrl('https://127.0.0.1/', opts)).resolves.toEqual({ ok: true });
  });

  it('reports a name that does not resolve as dns', async () => {
    await expect(checkTargetUrl('http://nonexistent.invalid/', strict)).resolves.toMatchObject({ ok: false, kind: 'dns' });
  });
});

describe('guardedLookup', () => {
  const lookup = (host: string, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      guardedLookup(host, { all }, (err, address) => resolve({ err, address })),
    );

  it('fails connections to names resolving to private addresses', async () => {
    const { err } = await lookup('localhost', false);
    expect(err?.code).toBe(REFUSED_TARGET_CODE);
  });

  it('passes DNS errors through', async () => {
    const { err } = await lookup('nonexistent.invalid', true);
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(err?.code);
  });
});
