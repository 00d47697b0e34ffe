// Tenant isolation over every route of /openapi.json (new routes are walked as soon as they are
// documented): workspace B's key on workspace A's paths and ids, and revoked keys, must never
// succeed and never show A's data. Workspace routes answer 404 to another workspace's key (ids
// cannot be probed), admin routes answer 401 to any workspace key, routes about the caller
// (GET /session) answer with the caller's own, and a revoked key is 401 everywhere. A customer
// portal link of A, scoped to one of A's webhooks, walks the same routes: 404 on B's, 404 on A's
// other webhook and its delivery, 403 on every route not opened to links; revoked or expired, 401.
// Afterwards A's resources are as they were.
import fc from 'fast-check';
import { requireKeyring } from '../../src/config';
import { ActivationTokens, type ActivationClaims } from '../../src/security/activationTokens';
import { SCOPES } from '../../src/store/apiKeys';
import { fillPath, loadOperations, validOf, type Operation } from '../support/openapi';
import { newRecovery } from '../../src/store/recoveries';
import type { Herald } from '../support/client';
import { startListeningApi, type ListeningApiStack, type TestWorkspace } from '../support/stack';

// The API alone suffices: every call here is refused before a route would reach Temporal.
let stack: ListeningApiStack;
let herald: Herald;
let operations: Operation[];

interface Tenant extends TestWorkspace {
  name: string;
  /** Ids of its resources, by the path segment that precedes `{id}`. */
  ids: Record<string, string>;
  /** A key of its own that is revoked. */
  revokedKey: string;
  /** Everything of it that must never show in another tenant's answer. */
  secrets: string[];
  /** A portal link of its own, scoped to a second webhook: `ids.webhooks` and `ids.deliveries` are outside it. */
  portalToken: string;
  /** Its portal links that no longer open anything. */
  revokedPortalToken: string;
  expiredPortalToken: string;
  /** What its portal link must never show: everything of the webhook outside the link's scope. */
  outOfScope: string[];
}

/** A workspace with one of everything: event type, webhook, event, delivery, notification, keys. */
async function seedTenant(label: string): Promise<Tenant> {
  const name = `Tenant ${label} ${Date.now()}`;
  const eventType = `${label.toLowerCase()}.private-event`;
  const created = await herald.workspaces.create({ name });
  const id = created.body.data.id as string;
  const key = (await herald.workspaces.createKey(id, {})).body.data.key as string;
  const ws = { id, key };
  await herald.eventTypes.create({ id, key }, { name: eventType, description: `${label} catalog` });
  const url = `https://${label.toLowerCase()}-private.example.com/hook`;
  const webhookId = await herald.webhooks.add(ws, { name: `${label} hook`, url, events: [eventType], headers: { 'X-Tenant-Token': `${label}-header-value` } });
  const event = await herald.events.send(ws, { id: `${label}-event-1`, type: eventType, data: { owner: `${label}-data` } });
  const deliveryId = event.deliveries[0].id;
  await stack.store.notifications.createOnce({
    _id: `ntf_${label}_1`,
    workspaceId: id,
    type: 'webhook.deactivated',
    webhookId,
    message: `${label} notification`,
    createdAt: new Date(),
  });
  // The API alone cannot start a workflow: the recovery's record is stored as its start would store it.
  const recovery = await stack.store.recoveries.createOnce(
    newRecovery({
      recoveryId: `rcv_${label}_1`,
      workspaceId: id,
      webhookId,
      sinceMs: Date.now() - 60_000,
      untilMs: Date.now(),
      statuses: ['failed'],
      createdAtMs: Date.now(),
    }),
  );
  const spare = (await herald.workspaces.createKey(id, { name: `${label} spare` })).body.data;
  const revoked = (await herald.workspaces.createKey(id, {})).body.data;
  expect((await herald.request('DELETE', `/workspaces/${id}/api-keys/${revoked.id}`)).status).toBe(204);
  // After the event, so that the event has one delivery: to the webhook outside the link's scope.
  const portalWebhookId = await herald.webhooks.add(ws, {
    name: `${label} portal hook`,
    url: `https://${label.toLowerCase()}-portal.example.com/hook`,
    events: [eventType],
  });
  const mint = async () => (await herald.request('POST', `/workspaces/${id}/portal-links`, { webhookIds: [portalWebhookId] }, key)).body.data;
  const [link, revokedLink] = [await mint(), await mint()];
  expect((await herald.request('DELETE', `/workspaces/${id}/portal-links/${revokedLink.id}`, undefined, key)).status).toBe(204);
  const expired = await stack.store.portalLinks.create(id, {
    scope: { webhookIds: [portalWebhookId] },
    scopes: [...SCOPES],
    mintedBy: 'admin',
    expiresAt: new Date(Date.now() - 1000),
  });
  return {
    ...ws,
    name,
    ids: {
      webhooks: webhookId,
      deliveries: deliveryId,
      events: event.eventId,
      recoveries: recovery._id,
      'api-keys': spare.id as string,
      'portal-links': link.id as string,
    },
    revokedKey: revoked.key as string,
    secrets: [
      name,
      id,
      eventType,
      url,
      webhookId,
      deliveryId,
      event.eventId,
      recovery._id,
      `${label}-header-value`,
      `${label}-data`,
      `${label} notification`,
      spare.id,
      key,
    ],
    portalToken: link.token as string,
    revokedPortalToken: revokedLink.token as string,
    expiredPortalToken: expired.token,
    outOfScope: [url, webhookId, deliveryId, `${label}-header-value`, `${label} notification`, spare.id, key],
  };
}

let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  stack = await startListeningApi();
  herald = stack.herald;
  [a, b] = [await seedTenant('Alpha'), await seedTenant('Bravo')];
  operations = await loadOperations(stack.baseUrl);
});
afterAll(async () => {
  await stack?.stop();
});

/** The path of `operation` in workspace `ws` naming `owner`'s resource for `{id}`. */
function pathOf(operation: Operation, ws: string, owner: Tenant): string {
  const segments = operation.path.split('/');
  return fillPath(operation.path, {
    ws,
    ...(operation.path.includes('{id}') ? { id: idFor(owner, segments[segments.indexOf('{id}') - 1], operation) } : {}),
  });
}

function idFor(owner: Tenant, segment: string, operation: Operation): string {
  const id = owner.ids[segment];
  if (!id) throw new Error(`${operation.route}: no ${segment} id to walk it with; add one to seedTenant`);
  return id;
}

/** A body the operation's schema accepts, so a refusal cannot be a validation error in disguise. */
const bodyOf = (operation: Operation) =>
  operation.body ? fc.sample(validOf(operation.body, { url: fc.constant('https://elsewhere.example.com/in') }), { seed: 1, numRuns: 1 })[0] : undefined;

interface Attempt {
  route: string;
  admin: boolean;
  aboutCaller: boolean;
  walk: string;
  status: number;
  code: unknown;
  leaked: string[];
}

async function attempt(walk: string, operation: Operation, path: string, key: string, victim: Tenant, secrets = victim.secrets): Promise<Attempt> {
  const body = bodyOf(operation);
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method: operation.method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as { error?: { code?: unknown } }) : {};
  return {
    route: operation.route,
    admin: isAdmin(operation),
    aboutCaller: isAboutCaller(operation),
    walk,
    status: response.status,
    code: parsed.error?.code,
    leaked: secrets.filter((secret) => text.includes(secret)),
  };
}

const isAdmin = (operation: Operation) => operation.tags.includes('admin');
/** A route outside every workspace that answers who the caller is (GET /session): its own data, to any credential. */
const isAboutCaller = (operation: Operation) => !operation.path.includes('{ws}') && !isAdmin(operation);

describe('every documented route', () => {
  const walked = new Set<string>();

  it("refuses workspace B's key on workspace A's paths: 404 on workspace routes, 401 on admin routes", async () => {
    const results = [];
    for (const operation of operations) {
      results.push(await attempt("B's key, A's workspace", operation, pathOf(operation, a.id, a), b.key, a));
      walked.add(operation.route);
    }
    const expected = (r: Attempt) =>
      r.aboutCaller ? { status: 200, code: undefined } : r.admin ? { status: 401, code: 'unauthorized' } : { status: 404, code: 'not_found' };
    expect(results.filter((r) => r.leaked.length > 0 || r.status !== expected(r).status || r.code !== expected(r).code)).toEqual([]);
  });

  it("refuses workspace B's key on its own workspace naming A's ids: 404, ids cannot be probed", async () => {
    const withIds = operations.filter((operation) => operation.path.includes('{id}') && !isAdmin(operation));
    expect(withIds.length).toBeGreaterThan(5);
    const results = [];
    for (const operation of withIds) results.push(await attempt("B's key, A's id", operation, pathOf(operation, b.id, a), b.key, a));
    expect(results.filter((r) => r.leaked.length > 0 || r.status !== 404 || r.code !== 'not_found')).toEqual([]);
  });

  it.each([
    ["A's own revoked key", () => a.revokedKey],
    ["B's revoked key", () => b.revokedKey],
    ["A's revoked portal link", () => a.revokedPortalToken],
    ["A's expired portal link", () => a.expiredPortalToken],
  ])('refuses %s everywhere with 401', async (walk, key) => {
    const results = [];
    for (const operation of operations) results.push(await attempt(walk, operation, pathOf(operation, a.id, a), key(), a));
    expect(results.filter((r) => r.leaked.length > 0 || r.status !== 401 || r.code !== 'unauthorized')).toEqual([]);
  });

  it('walked every operation of the document', () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations.map((operation) => operation.route).filter((route) => !walked.has(route))).toEqual([]);
  });
});

describe('activation links (outside /v1, authorised by their signed token alone)', () => {
  let c: Tenant;
  let claims: ActivationClaims;
  let tokens: ActivationTokens;
  const DEACTIVATED_AT = new Date('2026-12-01T10:00:00.000Z');

  beforeAll(async () => {
    // A tenant of its own, its webhook switched off as its health workflow records it, with the
    // seeded webhook.deactivated notification as that deactivation's.
    c = await seedTenant('Charlie');
    const bufferUntil = new Date(Date.now() + 3_600_000);
    await stack.store.webhooks.mirrorHealth(
      c.id,
      c.ids.webhooks,
      { active: false, deactivatedAt: DEACTIVATED_AT, deactivationReason: 'Charlie failing', bufferUntil },
      { resetStreak: true },
    );
    tokens = new ActivationTokens(requireKeyring(stack.config));
    claims = {
      workspaceId: c.id,
      webhookId: c.ids.webhooks,
      notificationId: 'ntf_Charlie_1',
      deactivatedAtMs: DEACTIVATED_AT.getTime(),
      expiresAtMs: bufferUntil.getTime(),
    };
  });

  const link = (changes: Partial<ActivationClaims>) => `${stack.baseUrl}/reactivate/${tokens.sign({ ...claims, ...changes })}`;

  it("show the webhook to a genuine link's holder", async () => {
    const response = await fetch(link({}));
    expect([response.status, (await response.text()).includes('Charlie hook')]).toEqual([200, true]);
  });

  it("refuse, with 404 and nothing of C, a genuinely signed link that mixes C's records with B's", async () => {
    const mixed = [
      link({ workspaceId: b.id }),
      link({ webhookId: b.ids.webhooks }),
      link({ workspaceId: b.id, webhookId: b.ids.webhooks }),
      link({ notificationId: 'ntf_Bravo_1' }),
    ];
    const results = [];
    for (const url of mixed) {
      for (const method of ['GET', 'POST']) {
        const response = await fetch(url, {
          method,
          redirect: 'manual',
          ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'choice=replay' } : {}),
        });
        const text = await response.text();
        results.push({ method, status: response.status, leaked: [...c.secrets, 'Charlie'].filter((secret) => text.includes(secret)) });
      }
    }
    expect(results.filter((r) => r.status !== 404 || r.leaked.length > 0)).toEqual([]);
    expect((await stack.store.webhooks.get(c.id, c.ids.webhooks))?.active).toBe(false);
    expect(await stack.store.activationLinks.get(c.id, 'ntf_Charlie_1')).toBeNull();
  });
});

// The routes a portal link may use, and how (src/api/plugins/portal.ts): written out by hand, so
// that opening a route to links is a decision this test sees.
const PORTAL_ROUTES: Record<string, string> = {
  'GET /v1/workspaces/{ws}/webhooks': 'filtered',
  'POST /v1/workspaces/{ws}/webhooks': 'filtered',
  'GET /v1/workspaces/{ws}/webhooks/{id}': 'webhook',
  'PATCH /v1/workspaces/{ws}/webhooks/{id}': 'webhook',
  'DELETE /v1/workspaces/{ws}/webhooks/{id}': 'webhook',
  'POST /v1/workspaces/{ws}/webhooks/{id}/test': 'webhook',
  'POST /v1/workspaces/{ws}/webhooks/{id}/activate': 'webhook',
  'POST /v1/workspaces/{ws}/webhooks/{id}/deactivate': 'webhook',
  'POST /v1/workspaces/{ws}/webhooks/{id}/rotate-secret': 'webhook',
  'GET /v1/workspaces/{ws}/webhook-events': 'open',
  'GET /v1/workspaces/{ws}/deliveries': 'filtered',
  'GET /v1/workspaces/{ws}/deliveries/{id}': 'delivery',
  'POST /v1/workspaces/{ws}/deliveries/{id}/retry': 'delivery',
  'POST /v1/workspaces/{ws}/deliveries/{id}/cancel': 'delivery',
  'POST /v1/workspaces/{ws}/webhooks/{id}/recover': 'webhook',
  'GET /v1/workspaces/{ws}/webhooks/{id}/recoveries': 'webhook',
  'GET /v1/workspaces/{ws}/webhooks/{id}/stats': 'webhook',
  'GET /v1/workspaces/{ws}/recoveries/{id}': 'filtered',
  'GET /v1/workspaces/{ws}/events/{id}': 'filtered',
};

describe("a portal link of workspace A, scoped to one of A's webhooks", () => {
  it('is let into exactly the routes listed here, as the document marks them', () => {
    const marked = Object.fromEntries(operations.filter((operation) => operation.portal !== undefined).map((operation) => [operation.route, operation.portal]));
    expect(marked).toEqual(PORTAL_ROUTES);
  });

  it('finds nothing of workspace B: 404 on workspace routes, 403 on admin routes', async () => {
    const results = [];
    for (const operation of operations) results.push(await attempt("A's portal link, B's workspace", operation, pathOf(operation, b.id, b), a.portalToken, b));
    const expected = (r: Attempt) =>
      r.aboutCaller ? { status: 200, code: undefined } : r.admin ? { status: 403, code: 'forbidden' } : { status: 404, code: 'not_found' };
    expect(results.filter((r) => r.leaked.length > 0 || r.status !== expected(r).status || r.code !== expected(r).code)).toEqual([]);
  });

  it("finds nothing of A's other webhook: 404 for its ids, 403 on every route not opened to links", async () => {
    const results = [];
    for (const operation of operations) {
      const result = await attempt("A's portal link, A's other webhook", operation, pathOf(operation, a.id, a), a.portalToken, a, a.outOfScope);
      const access = PORTAL_ROUTES[operation.route];
      // A list or a create names no id: it answers (200) or refuses (403: a link scoped to ids creates no webhook), never with A's other webhook in it.
      const allowed = result.aboutCaller ? [200] : access === undefined ? [403] : operation.path.includes('{id}') ? [404] : [200, 403];
      results.push({ ...result, allowed });
    }
    expect(results.filter((r) => r.leaked.length > 0 || !r.allowed.includes(r.status))).toEqual([]);
  });
});

describe("workspace A's resources afterwards", () => {
  it('are all as they were', async () => {
    const workspace = await stack.store.workspaces.get(a.id);
    expect(workspace?.name).toBe(a.name);
    const hook = await herald.request('GET', `/workspaces/${a.id}/webhooks/${a.ids.webhooks}`, undefined, a.key);
    expect(hook.body.data).toMatchObject({ id: a.ids.webhooks, name: 'Alpha hook', active: true });
    const keys = (await herald.request('GET', `/workspaces/${a.id}/api-keys`)).body.data as Array<{ id: string; revokedAt?: string }>;
    expect(keys.filter((k) => k.revokedAt).length).toBe(1);
    const types = (await herald.request('GET', `/workspaces/${a.id}/webhook-events`, undefined, a.key)).body.data as unknown[];
    expect(types).toHaveLength(1);
    const deliveries = (await herald.request('GET', `/workspaces/${a.id}/deliveries`, undefined, a.key)).body.data as Array<{ id: string }>;
    expect(deliveries.map((d) => d.id)).toEqual([a.ids.deliveries]);
    const notifications = (await herald.request('GET', `/workspaces/${a.id}/notifications`, undefined, a.key)).body.data as unknown[];
    expect(notifications).toHaveLength(1);
    const session = await herald.request('GET', '/session', undefined, a.portalToken);
    expect(session.body.data).toMatchObject({ kind: 'portal', workspaceId: a.id });
    const webhooks = (await herald.request('GET', `/workspaces/${a.id}/webhooks`, undefined, a.key)).body.data as unknown[];
    expect(webhooks).toHaveLength(2);
  });
});
