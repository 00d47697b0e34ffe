// Every operation of /openapi.json driven by fast-check: path, query and body generated from the
// operation's own JSON schemas, valid-shaped or mutated (wrong types, unknown and missing fields,
// hostile strings), sent with a real key for the route's workspace so bodies get past
// authentication, then again with a customer portal link of that workspace (scoped to an app, so
// that it may create webhooks). On the full stack nothing is down, so every answer must be below 500, JSON in
// Herald's envelope with one of Herald's error codes, a status the document lists for the
// operation, and arrive in time; the process answers /healthz afterwards. The seed is fixed (HERALD_FUZZ_SEED overrides it) and printed on failure.
import fc from 'fast-check';
import { ERROR_CODES } from '../../src/api/plugins/errors';
import { requireKeyring } from '../../src/config';
import { ActivationTokens } from '../../src/security/activationTokens';
import { fillPath, loadOperations, mutatedOf, validOf, type ArbitraryOptions, type Operation } from '../support/openapi';
import { startReceiver, type Receiver } from '../support/receiver';
import type { Herald } from '../support/client';
import { ADMIN_KEY, startHerald, type HeraldStack, type TestWorkspace } from '../support/stack';

const SEED = Number(process.env.HERALD_FUZZ_SEED ?? 20261124);
const RUNS_PER_OPERATION = Number(process.env.HERALD_FUZZ_RUNS ?? 40);
const REQUEST_TIMEOUT_MS = 20_000;
const EVENT_TYPES = ['order.paid', 'order.shipped'];
// Answered by the router or the HTTP parser for any URL, so not listed per operation: a path
// parameter over the router's limit (414), a URL over Node's header limit (431).
const BEFORE_ROUTING = [414, 431];

let stack: HeraldStack;
let herald: Herald;
let receiver: Receiver;
let tenant: TestWorkspace; // the workspace routes' target
let admin: TestWorkspace; // the admin routes' target: their changes (requireHttps…) spare `tenant`
let portalToken: string; // a portal link of `tenant`, scoped to the app of its first webhooks
/** Ids that exist, by the path segment before `{id}`. */
const pools: Record<string, string[]> = {};
/** The same for the portal link's pass: its app's own webhooks and their deliveries, which the key's pass does not delete. */
const portalPools: Record<string, string[]> = {};
const seen = new Map<string, Map<number, number>>();

beforeAll(async () => {
  [stack, receiver] = await Promise.all([startHerald(), startReceiver()]);
  herald = stack.herald;
  [tenant, admin] = [await herald.workspace(EVENT_TYPES), await herald.workspace(EVENT_TYPES)];
  const webhooks = [];
  for (let i = 0; i < 3; i++) webhooks.push(await herald.webhooks.add(tenant, { url: `${receiver.url}/${i}`, events: EVENT_TYPES }));
  const deliveries = [];
  for (const type of EVENT_TYPES) deliveries.push(...(await herald.events.send(tenant, { type, data: { n: 1 } })).deliveries.map((d) => d.id));
  const keys = [];
  for (let i = 0; i < 3; i++) keys.push((await herald.workspaces.createKey(admin.id, {})).body.data.id as string);
  const events = [...new Set(deliveries.map((id) => id.split('/')[2]))];
  // A recovery of the first webhook, so that GET /recoveries/{id} meets one that exists.
  const recovery = await herald.request(
    'POST',
    `/workspaces/${tenant.id}/webhooks/${webhooks[0]}/recover`,
    { since: new Date(Date.now() - 60_000).toISOString() },
    tenant.key,
  );
  expect(recovery.status).toBe(202);
  const links = [];
  for (let i = 0; i < 3; i++)
    links.push((await herald.request('POST', `/workspaces/${tenant.id}/portal-links`, { webhookIds: [webhooks[i]] }, tenant.key)).body.data.id as string);
  portalToken = (await herald.request('POST', `/workspaces/${tenant.id}/portal-links`, { app: 'fuzz', ttlSeconds: 86_400 }, tenant.key)).body.data
    .token as string;
  Object.assign(pools, { webhooks, deliveries, events, recoveries: [recovery.data.id as string], 'api-keys': keys, 'portal-links': links });
  const appWebhooks: string[] = [];
  for (let i = 0; i < 2; i++) appWebhooks.push(await herald.webhooks.add(tenant, { url: `${receiver.url}/fuzz/${i}`, events: EVENT_TYPES, app: 'fuzz' }));
  const appEvent = await herald.events.send(tenant, { type: EVENT_TYPES[0], app: 'fuzz', data: { n: 2 } });
  const appDeliveries = appEvent.deliveries.filter((d) => appWebhooks.includes(d.webhookId)).map((d) => d.id);
  Object.assign(portalPools, { ...pools, webhooks: appWebhooks, deliveries: appDeliveries });
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

/** Most generated webhooks point at the local receiver and subscribe to known types, so they get created. */
function arbitraryOptions(): ArbitraryOptions {
  return {
    url: fc.oneof({ weight: 4, arbitrary: fc.webPath().map((path) => `${receiver.url}${path}`) }, { weight: 1, arbitrary: fc.webUrl() }),
    patterns: { '^(\\*|[A-Za-z0-9_.:-]+)$': fc.constantFrom(...EVENT_TYPES, '*') },
  };
}

interface Generated {
  path: Record<string, string>;
  query: Record<string, unknown>;
  body?: unknown;
}

function requestsFor(operation: Operation, ids: Record<string, string[]> = pools): fc.Arbitrary<Generated> {
  const options = arbitraryOptions();
  const isAdmin = operation.tags.includes('admin');
  const segments = operation.path.split('/');
  const path = fc.record(
    Object.fromEntries(
      operation.parameters
        .filter((p) => p.in === 'path')
        .map((p) => {
          const known = p.name === 'ws' ? [isAdmin ? admin.id : tenant.id] : (ids[segments[segments.indexOf(`{${p.name}}`) - 1] ?? ''] ?? []);
          const real = known.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...known) }] : [];
          return [p.name, fc.oneof(...real, validOf(p.schema, options).map(String), mutatedOf(p.schema, options).map(String))];
        }),
    ),
  ) as fc.Arbitrary<Record<string, string>>;
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  const query = fc.record(
    Object.fromEntries(queryParams.map((p) => [p.name, fc.oneof({ weight: 3, arbitrary: validOf(p.schema, options) }, mutatedOf(p.schema, options))])),
    { requiredKeys: [] },
  );
  const body = operation.body
    ? fc.oneof({ weight: 3, arbitrary: validOf(operation.body, options) }, { weight: 3, arbitrary: mutatedOf(operation.body, options) }, fc.constant(undefined))
    : fc.constant(undefined);
  return fc.record({ path, query, body }, { requiredKeys: ['path', 'query'] });
}

const queryText = (query: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(query).map(([k, v]): [string, string] => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]),
  ).toString();

/** The key a request carries: the admin key on admin routes and the tenant's key elsewhere, or the given one everywhere. */
async function send(operation: Operation, generated: Generated, key = operation.tags.includes('admin') ? ADMIN_KEY : tenant.key) {
  const query = queryText(generated.query);
  const url = `${stack.baseUrl}${fillPath(operation.path, generated.path)}${query ? `?${query}` : ''}`;
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (generated.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: operation.method,
    headers,
    ...(generated.body !== undefined ? { body: JSON.stringify(generated.body) } : {}),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { url, status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/** What every answer must be, whatever was asked. */
function checkAnswer(answer: Awaited<ReturnType<typeof send>>): void {
  const where = `${answer.status} from ${answer.url}: ${answer.text.slice(0, 300)}`;
  if (answer.status >= 500) throw new Error(`server error ${where}`);
  if (answer.status === 204) return;
  if (!answer.contentType?.startsWith('application/json')) throw new Error(`not JSON (${answer.contentType}) ${where}`);
  const body = JSON.parse(answer.text) as { data?: unknown; error?: { code?: unknown; message?: unknown } | null };
  if (answer.status < 400) {
    if (body.error !== null || !('data' in body)) throw new Error(`success outside the envelope ${where}`);
    return;
  }
  const code = body.error?.code;
  if (body.data !== null || typeof body.error?.message !== 'string' || !(ERROR_CODES as readonly unknown[]).includes(code)) {
    throw new Error(`error outside the envelope or with a foreign code ${where}`);
  }
}

describe('every operation of /openapi.json, fuzzed', () => {
  let operations: Operation[];
  beforeAll(async () => {
    // Deletions last, so the others meet the resources they name.
    operations = (await loadOperations(stack.baseUrl)).sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
  });

  it(`answers every generated request below 500, in the envelope, in time (seed ${SEED}, ${RUNS_PER_OPERATION} runs each)`, async () => {
    expect(operations.length).toBeGreaterThan(0);
    for (const operation of operations) {
      const statuses = new Map<number, number>();
      seen.set(operation.route, statuses);
      await fc.assert(
        fc.asyncProperty(requestsFor(operation), async (generated) => {
          const answer = await send(operation, generated);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          checkAnswer(answer);
          const documented = operation.responses.includes(String(answer.status)) || BEFORE_ROUTING.includes(answer.status);
          if (!documented) throw new Error(`${answer.status} is not in the document for ${operation.route}`);
        }),
        // No shrinking: each run is a real request; the failing case and seed are reported as found.
        { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true, verbose: 1 },
      );
    }
  });

  it(`answers a portal link's generated requests the same way (seed ${SEED}, ${Math.ceil(RUNS_PER_OPERATION / 4)} runs each)`, async () => {
    const admitted = new Set<string>();
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(requestsFor(operation, portalPools), async (generated) => {
          const answer = await send(operation, generated, portalToken);
          if (answer.status < 300) admitted.add(operation.route);
          checkAnswer(answer);
          const documented = operation.responses.includes(String(answer.status)) || BEFORE_ROUTING.includes(answer.status);
          if (!documented) throw new Error(`${answer.status} is not in the document for ${operation.route}`);
          if (operation.portal === undefined && operation.path.includes('{ws}') && answer.status < 300) {
            throw new Error(`a portal link was let into ${operation.route}, which is not opened to links`);
          }
        }),
        { seed: SEED, numRuns: Math.ceil(RUNS_PER_OPERATION / 4), endOnFailure: true, verbose: 1 },
      );
    }
    // The link got somewhere: its own webhooks' routes answered it.
    expect(admitted.has('GET /v1/workspaces/{ws}/webhooks/{id}')).toBe(true);
  });

  it('got past validation: most operations answered a 2xx at least once', () => {
    const table = [...seen].map(([route, statuses]) => `${route}: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`);
    if (process.env.HERALD_FUZZ_TABLE === '1') console.log(table.join('\n'));
    const succeeded = [...seen.values()].filter((statuses) => [...statuses.keys()].some((s) => s < 300)).length;
    expect({ succeeded: succeeded >= seen.size / 2, table }).toEqual({ succeeded: true, table: expect.any(Array) });
  });

  it('answers the activation-link pages (outside the document) with a page below 500 under the strict policy, whatever the token, form and origin', async () => {
    const tokens = new ActivationTokens(requireKeyring(stack.config));
    // Genuinely signed, for a notification that does not exist: nothing generated here can switch a webhook on.
    const genuine = tokens.sign({
      workspaceId: tenant.id,
      webhookId: pools.webhooks[0],
      notificationId: 'ntf_fuzz',
      deactivatedAtMs: Date.now(),
      expiresAtMs: Date.now() + 3_600_000,
    });
    const altered = fc
      .tuple(fc.nat(genuine.length - 1), fc.constantFrom(...'AZaz09-_.'))
      .map(([at, char]) => `${genuine.slice(0, at)}${char}${genuine.slice(at + 1)}`);
    // `.` and `..` would be path steps, which the client resolves away before sending.
    const token = fc
      .oneof(fc.constant(genuine), altered, fc.string({ minLength: 1 }), fc.base64String({ minLength: 1 }), fc.string({ minLength: 1, unit: 'grapheme' }))
      .filter((candidate) => candidate !== '.' && candidate !== '..');
    const form = fc.oneof(
      fc.record({ choice: fc.oneof(fc.constantFrom('replay', 'discard'), fc.string()) }).map((fields) => new URLSearchParams(fields).toString()),
      fc.string(),
      fc.json(),
    );
    const request = fc.record({
      token,
      result: fc.boolean(),
      method: fc.constantFrom('GET', 'HEAD', 'POST'),
      body: form,
      contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', undefined),
      origin: fc.option(fc.oneof(fc.constant(stack.baseUrl), fc.webUrl(), fc.constant('null')), { nil: undefined }),
    });
    const pageStatuses = [200, 303, 400, 403, 404, 410, 413, 415];
    await fc.assert(
      fc.asyncProperty(request, async (generated) => {
        const post = generated.method === 'POST';
        const url = `${stack.baseUrl}/reactivate/${encodeURIComponent(generated.token)}${generated.result && !post ? '/result' : ''}`;
        const headers: Record<string, string> = {};
        if (post && generated.contentType) headers['content-type'] = generated.contentType;
        if (generated.origin) headers.origin = generated.origin;
        const response = await fetch(url, {
          method: generated.method,
          headers,
          redirect: 'manual',
          ...(post ? { body: generated.body } : {}),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await response.text();
        const where = `${response.status} from ${generated.method} ${url}: ${text.slice(0, 200)}`;
        // A token past the router's parameter limit is refused before any route, in the API's envelope.
        if (BEFORE_ROUTING.includes(response.status)) return;
        if (!pageStatuses.includes(response.status)) throw new Error(`unexpected ${where}`);
        if (response.status === 303) return;
        if (response.headers.get('content-type') !== 'text/html; charset=utf-8') throw new Error(`not a page ${where}`);
        if (!response.headers.get('content-security-policy')?.includes("default-src 'none'")) throw new Error(`no content security policy ${where}`);
      }),
      { seed: SEED, numRuns: RUNS_PER_OPERATION * 5, endOnFailure: true, verbose: 1 },
    );
  });

  it('leaves the process alive and ready', async () => {
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.baseUrl}/readyz`)).status).toBe(200);
  });
});
