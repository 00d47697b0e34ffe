// The outgoing guard on the real stack (API, worker, Temporal, FerretDB) with private networks
// disallowed, as in production: every request goes through the real undici client and the real
// connect-time lookup. Host names resolve through the test resolver; the one private target this
// deployment may reach is `firstHop`, allowed by HERALD_ALLOWED_TARGETS as an operator would.
// `bystander` listens on loopback where every refused URL points: it must never hear a thing.
import { createTestResolver } from '../support/resolver';
import { startReceiver, type Receiver } from '../support/receiver';
import type { Herald } from '../support/client';
import { attemptOutcomes, startHerald, type HeraldStack, type TestWorkspace } from '../support/stack';

// An ordinary public address: it passes the guard at checks, and the test resolver never gives it
// to a connection, so nothing is ever sent to it.
const PUBLIC = '93.184.215.14';
const EVENT = 'order.status';
const NO_RETRIES = { preset: 'fixed', maxRetries: 0 };

const resolver = createTestResolver();
let stack: HeraldStack;
let herald: Herald;
let firstHop: Receiver;
let bystander: Receiver;
let port: string; // the bystander's
let ws: TestWorkspace;

beforeAll(async () => {
  [firstHop, bystander] = await Promise.all([startReceiver(), startReceiver()]);
  port = new URL(bystander.url).port;
  stack = await startHerald({ allowPrivateNetworks: false, allowedTargets: [new URL(firstHop.url).host] }, { resolveHost: resolver.resolveHost });
  herald = stack.herald;
  ws = await herald.workspace([EVENT]);
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all([firstHop?.close(), bystander?.close()]);
});
afterEach(() => {
  expect(bystander.requests).toEqual([]);
});

const webhookBody = (url: string) => ({ name: 'Guarded', url, events: [EVENT], retryPolicy: NO_RETRIES });

/**
 * Sends one event to a new webhook at `url`, in a workspace of its own; its record once failed.
 * `storedUrl` replaces the URL in the store after creation, past the API's check.
 */
async function failedDelivery(url: string, storedUrl?: string) {
  const workspace = await herald.workspace([EVENT]);
  const webhookId = await herald.webhooks.add(workspace, webhookBody(url));
  if (storedUrl) await stack.store.webhooks.update(workspace.id, webhookId, { url: storedUrl });
  const { deliveries } = await herald.events.send(workspace, { type: EVENT, data: { orderId: 'A-1' } });
  const delivery = await herald.deliveries.waitFor(workspace, deliveries[0].id, ['failed']);
  return delivery as { attempts: Array<{ n: number; statusCode?: number; error?: { kind: string; message: string } }> };
}

describe('at create time', () => {
  beforeAll(() => {
    resolver.answer('internal.test', ['127.0.0.1']);
    resolver.answer('metadata.test', ['169.254.169.254']);
    resolver.answer('dual.test', [[PUBLIC, '10.1.2.3']]);
  });

  it.each([
    ['a name resolving to loopback', () => `http://internal.test:${port}/hooks`, 'internal.test resolves to 127.0.0.1, in 127.0.0.0/8 (loopback)'],
    ['a name resolving to the metadata endpoint', () => 'http://metadata.test/latest', 'metadata.test resolves to 169.254.169.254, in 169.254.0.0/16'],
    ['a name with one private address among public ones', () => 'https://dual.test/', 'dual.test resolves to 10.1.2.3, in 10.0.0.0/8 (private use)'],
    ['an IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${port}/hooks`, '::ffff:7f00:1 is the IPv4-mapped form of 127.0.0.1'],
    ['the same, in hex', () => `http://[::ffff:7f00:1]:${port}/hooks`, '::ffff:7f00:1 is the IPv4-mapped form of 127.0.0.1'],
    ['a decimal IPv4 literal', () => `http://2130706433:${port}/hooks`, '127.0.0.1 is in 127.0.0.0/8 (loopback)'],
    ['an octal IPv4 literal', () => `http://0177.0.0.1:${port}/hooks`, '127.0.0.1 is in 127.0.0.0/8 (loopback)'],
    ['a short hex IPv4 literal', () => `http://0x7f.1:${port}/hooks`, '127.0.0.1 is in 127.0.0.0/8 (loopback)'],
    ['IPv6 loopback', () => `http://[::1]:${port}/hooks`, '::1 is in ::1/128 (loopback)'],
    ['a 6to4 address', () => 'http://[2002:a00:1::1]/', '2002:a00:1::1 is in 2002::/16 (6to4)'],
    ['carrier-grade NAT', () => 'http://100.64.0.1/', '100.64.0.1 is in 100.64.0.0/10'],
    ['the allowed host on another port', () => `http://127.0.0.1:${port}/hooks`, '127.0.0.1 is in 127.0.0.0/8 (loopback)'],
  ])('refuses %s with a 400 naming body.url and why', async (_what, url, why) => {
    const created = await herald.request('POST', `/workspaces/${ws.id}/webhooks`, webhookBody(url()), ws.key);
    expect(created.status).toBe(400);
    expect(created.body.error.message).toMatch(/^body\.url targets a private or special-use address: /);
    expect(created.body.error.message).toContain(why);
  });

  it('refuses a name that does not resolve, saying so', async () => {
    const created = await herald.request('POST', `/workspaces/${ws.id}/webhooks`, webhookBody('https://nowhere.test/'), ws.key);
    expect(created.status).toBe(400);
    expect(created.body.error.message).toBe('body.url cannot resolve nowhere.test: ENOTFOUND');
  });

  it('refuses the same URLs on update, and as a workspace notification URL', async () => {
    const id = await herald.webhooks.add(ws, webhookBody(firstHop.url));
    const updated = await herald.webhooks.update(ws, id, { url: `http://2130706433:${port}/` });
    expect(updated.status).toBe(400);
    expect(updated.body.error.message).toContain('body.url targets a private or special-use address');
    const settings = await herald.workspaces.update(ws.id, { notificationUrl: `http://internal.test:${port}/` });
    expect(settings.status).toBe(400);
    expect(settings.body.error.message).toContain('body.notificationUrl targets a private or special-use address: internal.test resolves to 127.0.0.1');
  });
});

describe('at send time', () => {
  it('refuses a name that re-points to a private address after creation (DNS rebinding), before connecting', async () => {
    resolver.answer('rebind-check.test', [PUBLIC, '127.0.0.1'], ['127.0.0.1']);
    const delivery = await failedDelivery(`http://rebind-check.test:${port}/hooks`);
    expect(attemptOutcomes(delivery)).toEqual([{ n: 1, statusCode: undefined, kind: 'refused-target' }]);
    expect(delivery.attempts[0].error!.message).toBe(
      'targets a private or special-use address: rebind-check.test resolves to 127.0.0.1, in 127.0.0.0/8 (loopback)',
    );
    expect(resolver.lookups('rebind-check.test', 'check')).toBe(2); // at creation, before the attempt
    expect(resolver.lookups('rebind-check.test', 'connect')).toBe(0);
  });

  it('refuses at connect a name that answers the check publicly and the connection privately', async () => {
    resolver.answer('rebind-connect.test', [PUBLIC], ['127.0.0.1']);
    const delivery = await failedDelivery(`http://rebind-connect.test:${port}/hooks`);
    expect(attemptOutcomes(delivery)).toEqual([{ n: 1, statusCode: undefined, kind: 'refused-target' }]);
    expect(delivery.attempts[0].error!.message).toContain(
      'targets a private or special-use address (at connect): rebind-connect.test resolves to 127.0.0.1, in 127.0.0.0/8 (loopback)',
    );
    // The attempt's cost: one lookup to check, one for the new connection.
    expect(resolver.lookups('rebind-connect.test', 'check')).toBe(2);
    expect(resolver.lookups('rebind-connect.test', 'connect')).toBe(1);
  });

  it('records a name that stops resolving as dns', async () => {
    resolver.answer('vanishing.test', [PUBLIC, 'ENOTFOUND']);
    const delivery = await failedDelivery('http://vanishing.test/hooks');
    expect(attemptOutcomes(delivery)).toEqual([{ n: 1, statusCode: undefined, kind: 'dns' }]);
    expect(delivery.attempts[0].error!.message).toBe('cannot resolve vanishing.test: ENOTFOUND');
  });

  // Stored before the deployment disallowed private networks: the check before each attempt
  // refuses them like creation does.
  it.each([
    ['an IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${port}/hooks`, '::ffff:7f00:1 is the IPv4-mapped form of 127.0.0.1'],
    ['a decimal IPv4 literal', () => `http://2130706433:${port}/hooks`, '127.0.0.1 is in 127.0.0.0/8 (loopback)'],
    ['an octal IPv4 literal', () => `http://0177.0.0.1:${port}/hooks`, '127.0.0.1 is in 127.0.0.0/8 (loopback)'],
  ])('refuses a stored URL with %s', async (_what, url, why) => {
    const delivery = await failedDelivery(firstHop.url, url());
    expect(attemptOutcomes(delivery)).toEqual([{ n: 1, statusCode: undefined, kind: 'refused-target' }]);
    expect(delivery.attempts[0].error!.message).toContain(why);
  });
});

describe('redirects', () => {
  it.each([302, 307])('a %i to 127.0.0.1 is recorded as the failed status, never followed', async (status) => {
    firstHop.script([{ status, headers: { location: `http://127.0.0.1:${port}/hooks` } }]);
    const before = firstHop.requests.length;
    const delivery = await failedDelivery(firstHop.url);
    expect(attemptOutcomes(delivery)).toEqual([{ n: 1, statusCode: status, kind: 'status' }]);
    expect(firstHop.requests.length).toBe(before + 1);
  });
});
