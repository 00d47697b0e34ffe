// Two request budgets (src/api/plugins/rateLimits.ts): per client address before authentication, per API
// key after it. The app trusts one proxy hop, so each request's X-Forwarded-For makes it the client
// at that address; a spy on the key lookup shows what a bogus-token flood costs MongoDB.
import type { Herald } from '../support/client';
import { ADMIN_KEY, startListeningApi, type ListeningApiStack, type TestWorkspace } from '../support/stack';

const PER_ADDRESS = 30;
const PER_KEY = 10;

let stack: ListeningApiStack;
let herald: Herald;
let ws: TestWorkspace;

beforeAll(async () => {
  stack = await startListeningApi({ rateLimitPerAddressPerMinute: PER_ADDRESS, rateLimitPerMinute: PER_KEY, trustedProxyHops: 1 });
  herald = stack.herald;
  ws = await herald.workspace();
});
afterAll(async () => {
  await stack?.stop();
});
afterEach(() => jest.restoreAllMocks());

/** GET `path` as the client at `address`; its status, Retry-After and JSON body. */
async function getFrom(address: string, path: string, key?: string) {
  const headers: Record<string, string> = { 'x-forwarded-for': address };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(`${stack.baseUrl}${path}`, { headers });
  return { statusCode: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}
/** One GET of the workspace's webhooks from `address` with `key`. */
const listFrom = (address: string, key: string) => getFrom(address, `/v1/workspaces/${ws.id}/webhooks`, key);

it('stops a caller rotating bogus keys once its address budget is spent, without a key lookup per request', async () => {
  const lookups = jest.spyOn(stack.store.apiKeys, 'findActiveByKey');
  const statuses: number[] = [];
  for (let i = 0; i < PER_ADDRESS + 20; i++) statuses.push((await listFrom('203.0.113.7', `hk_bogus_${i}`)).statusCode);

  // Every new token is still the same address: 401 until the budget is spent, then 429.
  expect(statuses.slice(0, PER_ADDRESS)).toEqual(Array(PER_ADDRESS).fill(401));
  expect(statuses.slice(PER_ADDRESS)).toEqual(Array(20).fill(429));
  // Once limited, a request costs no MongoDB lookup.
  expect(lookups).toHaveBeenCalledTimes(PER_ADDRESS);

  const limited = await listFrom('203.0.113.7', ws.key);
  expect(limited.statusCode).toBe(429);
  expect(Number(limited.retryAfter)).toBeGreaterThan(0);
  expect(limited.body).toEqual({ data: null, error: { code: 'rate_limited', message: expect.stringContaining('address') } });
  // Another address is not affected.
  expect((await listFrom('203.0.113.8', ws.key)).statusCode).toBe(200);
});

it('counts an IPv6 client by its /64', async () => {
  for (let i = 0; i < PER_ADDRESS; i++) await listFrom(`2001:db8:1:2::${i.toString(16)}`, 'hk_bogus');
  expect((await listFrom('2001:db8:1:2:ffff::1', ws.key)).statusCode).toBe(429);
  expect((await listFrom('2001:db8:1:3::1', ws.key)).statusCode).toBe(200);
});

it('gives every API key its own budget, whatever address it comes from', async () => {
  const newKey = async () => (await herald.workspaces.createKey(ws.id, {})).body.data.key as string;
  const [first, second] = [await newKey(), await newKey()];
  const statuses: number[] = [];
  // One key from ever-new addresses: the key's budget still holds.
  for (let i = 0; i < PER_KEY + 3; i++) statuses.push((await listFrom(`198.51.100.${i + 1}`, first)).statusCode);
  expect(statuses).toEqual([...Array(PER_KEY).fill(200), 429, 429, 429]);
  const limited = await listFrom('198.51.100.200', first);
  expect(limited.body).toEqual({ data: null, error: { code: 'rate_limited', message: expect.stringContaining('API key') } });

  // Another key of the same workspace, from an address the first key used, has its own budget.
  expect((await listFrom('198.51.100.1', second)).statusCode).toBe(200);
  // And so has the admin key.
  expect((await listFrom('198.51.100.2', ADMIN_KEY)).statusCode).toBe(200);
});

it("spends a key's budget on the requests it makes outside its workspace too", async () => {
  const other = await herald.workspace();
  const statuses: number[] = [];
  for (let i = 0; i < PER_KEY + 2; i++) statuses.push((await getFrom(`198.51.100.${100 + i}`, `/v1/workspaces/${ws.id}/webhooks`, other.key)).statusCode);
  expect(statuses).toEqual([...Array(PER_KEY).fill(404), 429, 429]);
});

it('does not limit the operations endpoints', async () => {
  for (let i = 0; i < PER_ADDRESS + 5; i++) expect((await getFrom('192.0.2.99', '/healthz')).statusCode).toBe(200);
});
