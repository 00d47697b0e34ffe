// Customer portal links through the public API, on the whole stack: minting and its refusals,
// every route a link may use (on its own webhooks) and every one it may not, a link scoped to an
// app that creates a webhook in that app, GET /session, revocation, expiry, the maker's key
// revoked, and the maker's rate budget. The walk of every documented route with a link is in
// tenantIsolation.test.ts; the fuzzing in api.fuzz.test.ts.
import type { Herald, TestWorkspace } from '../support/client';
import { SCOPES } from '../../src/store/apiKeys';
import { eventually } from '../support/eventually';
import { startReceiver, type Receiver } from '../support/receiver';
import { startApi, startHerald, type ApiStack, type HeraldStack } from '../support/stack';

const TYPES = ['order.paid', 'order.shipped'];

let stack: HeraldStack;
let herald: Herald;
let good: Receiver;
let failing: Receiver;
let ws: TestWorkspace;
let other: TestWorkspace;
/** Webhooks of `ws`: `mine` and `stuck` are in the link's scope, `theirs` is not; `acme`/`globex` carry apps. */
const hooks: Record<'mine' | 'stuck' | 'theirs' | 'acme' | 'globex', string> = { mine: '', stuck: '', theirs: '', acme: '', globex: '' };
/** One delivery per webhook above, by the same names. */
const deliveryOf: Record<string, string> = {};

beforeAll(async () => {
  stack = await startHerald();
  herald = stack.herald;
  [good, failing] = await Promise.all([startReceiver(), startReceiver()]);
  good.script([], { status: 200 });
  failing.script([], { status: 500 });
  [ws, other] = [await herald.workspace(TYPES), await herald.workspace(TYPES)];
  hooks.mine = await herald.webhooks.add(ws, { name: 'mine', url: `${good.url}/mine`, events: TYPES });
  hooks.stuck = await herald.webhooks.add(ws, { name: 'stuck', url: `${failing.url}/stuck`, events: TYPES });
  hooks.theirs = await herald.webhooks.add(ws, { name: 'theirs', url: `${good.url}/theirs`, events: TYPES, headers: { 'X-Theirs': 'their-header-value' } });
  hooks.acme = await herald.webhooks.add(ws, { name: 'acme', url: `${good.url}/acme`, events: TYPES, app: 'acme' });
  hooks.globex = await herald.webhooks.add(ws, { name: 'globex', url: `${good.url}/globex`, events: TYPES, app: 'globex' });
  // An event without an app reaches the webhooks without one; an app's event reaches its webhooks too.
  for (const app of [undefined, 'acme', 'globex']) {
    const { deliveries } = await herald.events.send(ws, { type: 'order.paid', ...(app ? { app } : {}) });
    for (const d of deliveries) deliveryOf[Object.entries(hooks).find(([, id]) => id === d.webhookId)![0]] ??= d.id;
  }
  await Promise.all([herald.deliveries.waitForAttempts(ws, deliveryOf.stuck, 1), herald.deliveries.waitFor(ws, deliveryOf.mine, ['succeeded'])]);
});
afterAll(async () => {
  await Promise.all([good?.close(), failing?.close()]);
  await stack?.stop();
});

/** Mints a link in `ws` with `key` (the workspace's own unless given); the whole answer. */
const mint = (body: Record<string, unknown>, key = ws.key, workspace = ws.id) => herald.request('POST', `/workspaces/${workspace}/portal-links`, body, key);

/** A link's token as a workspace credential for the test client: the same routes, another bearer. */
async function portalOf(body: Record<string, unknown>): Promise<TestWorkspace & { linkId: string }> {
  const minted = await mint(body);
  expect(minted.status).toBe(201);
  return { id: ws.id, key: minted.data.token as string, linkId: minted.data.id as string };
}

describe('POST /portal-links', () => {
  it('mints a link for some webhooks: the token once, an id to revoke it, its expiry, the maker’s scopes; no URL without HERALD_PUBLIC_URL', async () => {
    const before = Date.now();
    const minted = await mint({ webhookIds: [hooks.mine] });
    expect(minted.status).toBe(201);
    expect(minted.data).toEqual({
      id: expect.stringMatching(/^pl_/),
      token: expect.stringMatching(/^hpt_pl_\w+\.[\w-]{40}$/),
      expiresAt: expect.any(String),
      webhookIds: [hooks.mine],
      scopes: [...SCOPES],
      createdAt: expect.any(String),
    });
    const lifetime = Date.parse(minted.data.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(3590_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000 + 60_000);
    const short = await mint({ app: 'acme', ttlSeconds: 60 });
    expect(short.data).toMatchObject({ app: 'acme' });
    expect(Date.parse(short.data.expiresAt) - Date.parse(short.data.createdAt)).toBe(60_000);
  });

  it('keeps only the hash of the token', async () => {
    const { data } = await mint({ webhookIds: [hooks.mine] });
    const stored = await stack.store.portalLinks.findActiveByToken(data.token as string);
    expect(stored?._id).toBe(data.id);
    expect(JSON.stringify(stored)).not.toContain((data.token as string).split('.')[1]);
  });

  it.each([
    ['neither webhookIds nor app', {}, ['body.webhookIds', 'body.app']],
    ['both webhookIds and app', { webhookIds: ['wh_x'], app: 'acme' }, ['body.webhookIds', 'body.app']],
    ['no webhook id', { webhookIds: [] }, ['body.webhookIds']],
    ['a repeated webhook id', { webhookIds: ['wh_x', 'wh_x'] }, ['body.webhookIds']],
    ['101 webhook ids', { webhookIds: Array.from({ length: 101 }, (_, i) => `wh_${i}`) }, ['body.webhookIds']],
    ['an empty app', { app: '' }, ['body.app']],
    ['a lifetime under a minute', { app: 'acme', ttlSeconds: 59 }, ['body.ttlSeconds']],
    ['a lifetime over a day', { app: 'acme', ttlSeconds: 86_401 }, ['body.ttlSeconds']],
    ['an unknown field', { app: 'acme', scopes: ['webhooks:read'] }, ['body.scopes']],
  ])('refuses %s with 400 naming the field', async (_what, body, fields) => {
    const refused = await mint(body);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields).toEqual(fields);
  });

  it("refuses unknown webhook ids and another workspace's alike, naming each, and nothing else", async () => {
    const foreign = await herald.webhooks.add(other, { url: good.url, events: TYPES });
    const refused = await mint({ webhookIds: [hooks.mine, 'wh_nope', foreign] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(`body.webhookIds names webhooks this workspace does not have: wh_nope, ${foreign}`);
  });

  it('needs webhooks:write (403), its own workspace (404), and never a portal link (403)', async () => {
    const readOnly = (await herald.workspaces.createKey(ws.id, { scopes: ['webhooks:read'] })).data.key as string;
    expect((await mint({ app: 'acme' }, readOnly)).status).toBe(403);
    expect((await mint({ app: 'acme' }, other.key)).status).toBe(404);
    const link = await portalOf({ app: 'acme' });
    expect((await mint({ app: 'acme' }, link.key)).status).toBe(403);
    expect((await herald.request('DELETE', `/workspaces/${ws.id}/portal-links/${link.linkId}`, undefined, link.key)).status).toBe(403);
  });
});

describe('a link scoped to two webhooks', () => {
  let link: TestWorkspace & { linkId: string };
  beforeAll(async () => {
    link = await portalOf({ webhookIds: [hooks.mine, hooks.stuck], ttlSeconds: 600 });
  });

  it('tells GET /session what it is', async () => {
    const session = await herald.request('GET', '/session', undefined, link.key);
    expect(session.status).toBe(200);
    expect(session.data).toEqual({
      kind: 'portal',
      workspaceId: ws.id,
      scopes: [...SCOPES],
      portalLinkId: link.linkId,
      webhookIds: [hooks.mine, hooks.stuck],
      expiresAt: expect.any(String),
    });
  });

  it('lists, reads and changes its webhooks, and finds no other (404)', async () => {
    const listed = await herald.webhooks.list(link);
    expect(listed.status).toBe(200);
    expect(listed.data.map((w: { id: string }) => w.id)).toEqual([hooks.mine, hooks.stuck]);
    expect(listed.text).not.toContain('their-header-value');
    expect((await herald.webhooks.list(link, { app: 'acme' })).data).toEqual([]);
    expect((await herald.webhooks.get(link, hooks.mine)).data).toMatchObject({ id: hooks.mine, name: 'mine' });
    const renamed = await herald.webhooks.update(link, hooks.mine, { name: 'mine, renamed', events: ['order.paid'] });
    expect(renamed.status).toBe(200);
    expect(renamed.data).toMatchObject({ name: 'mine, renamed', events: ['order.paid'] });
    for (const id of [hooks.theirs, hooks.acme, 'wh_nope']) {
      expect((await herald.webhooks.get(link, id)).status).toBe(404);
      expect((await herald.webhooks.update(link, id, { name: 'taken' })).status).toBe(404);
      expect((await herald.webhooks.remove(link, id)).status).toBe(404);
    }
    expect((await herald.webhooks.get(ws, hooks.theirs)).data.name).toBe('theirs');
  });

  it('never moves a webhook to an app, nor creates one (403)', async () => {
    const moved = await herald.webhooks.update(link, hooks.mine, { app: 'acme' });
    expect(moved.status).toBe(403);
    expect(moved.body.error.details.fields).toEqual(['body.app']);
    expect((await herald.webhooks.update(link, hooks.mine, { app: null })).status).toBe(403);
    expect((await herald.webhooks.create(link, { name: 'new', url: good.url, events: TYPES })).status).toBe(403);
  });

  it('tests, pauses, resumes and rotates the secret of its webhooks only', async () => {
    expect((await herald.webhooks.test(link, hooks.mine)).data).toMatchObject({ testsRun: 1, testsSucceeded: 1 });
    expect((await herald.webhooks.deactivate(link, hooks.mine)).data).toMatchObject({ active: false });
    expect((await herald.webhooks.activate(link, hooks.mine, { replayEvents: false })).data).toMatchObject({ active: true });
    const rotated = await herald.request('POST', `/workspaces/${ws.id}/webhooks/${hooks.mine}/rotate-secret`, {}, link.key);
    expect(rotated.status).toBe(200);
    expect(rotated.data.secret).toMatch(/^whsec_/);
    for (const action of ['test', 'deactivate', 'rotate-secret']) {
      expect((await herald.request('POST', `/workspaces/${ws.id}/webhooks/${hooks.theirs}/${action}`, {}, link.key)).status).toBe(404);
    }
    expect((await herald.webhooks.activate(link, hooks.theirs, { replayEvents: false })).status).toBe(404);
    expect((await herald.webhooks.get(ws, hooks.theirs)).data).toMatchObject({ active: true, hasSecret: false });
  });

  it("lists, reads, retries and cancels its webhooks' deliveries, and finds no other (404)", async () => {
    const listed = await herald.deliveries.list(link);
    expect(new Set(listed.data.map((d: { webhookId: string }) => d.webhookId))).toEqual(new Set([hooks.mine, hooks.stuck]));
    expect((await herald.deliveries.list(link, { webhookId: hooks.theirs })).data).toEqual([]);
    expect((await herald.deliveries.get(link, deliveryOf.mine)).data).toMatchObject({ webhookId: hooks.mine, status: 'succeeded' });
    // Admitted, then refused by the delivery's own state: a succeeded delivery is not retried.
    expect((await herald.deliveries.retry(link, deliveryOf.mine)).status).toBe(409);
    const cancelled = await herald.deliveries.cancel(link, deliveryOf.stuck);
    expect(cancelled.status).toBe(202);
    expect(cancelled.data.status).toBe('cancelled');
    for (const name of ['theirs', 'acme']) {
      expect((await herald.deliveries.get(link, deliveryOf[name])).status).toBe(404);
      expect((await herald.deliveries.retry(link, deliveryOf[name])).status).toBe(404);
      expect((await herald.deliveries.cancel(link, deliveryOf[name])).status).toBe(404);
    }
  });

  it('reads the event catalog', async () => {
    const catalog = await herald.eventTypes.list(link);
    expect(catalog.data.map((t: { name: string }) => t.name)).toEqual(TYPES);
  });

  it.each([
    ['add an event type', 'POST', '/webhook-events', { name: 'order.refunded' }],
    ['ingest an event', 'POST', '/events', { type: 'order.paid', data: {} }],
    ['list notifications', 'GET', '/notifications', undefined],
    ['list API keys', 'GET', '/api-keys', undefined],
    ['create an API key', 'POST', '/api-keys', {}],
    ['change the workspace', 'PATCH', '', { requireHttps: true }],
    ['rotate the notification secret', 'POST', '/rotate-notification-secret', {}],
  ])('may not %s (403)', async (_what, method, path, body) => {
    const refused = await herald.request(method, `/workspaces/${ws.id}${path}`, body, link.key);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
  });

  it('may not create workspaces (403), and sees nothing of another workspace (404)', async () => {
    expect((await herald.request('POST', '/workspaces', { name: 'Mine now' }, link.key)).status).toBe(403);
    expect((await herald.request('GET', `/workspaces/${other.id}/webhooks`, undefined, link.key)).status).toBe(404);
    expect((await herald.request('POST', `/workspaces/${other.id}/events`, { type: 'order.paid', data: {} }, link.key)).status).toBe(404);
  });

  it('deletes a webhook of its scope', async () => {
    const doomed = await herald.webhooks.add(ws, { name: 'doomed', url: good.url, events: TYPES });
    const own = await portalOf({ webhookIds: [doomed] });
    expect((await herald.webhooks.remove(own, doomed)).status).toBe(204);
    expect((await herald.webhooks.get(ws, doomed)).status).toBe(404);
    expect((await herald.webhooks.get(own, doomed)).status).toBe(404);
  });
});

describe('a link scoped to an app', () => {
  let link: TestWorkspace & { linkId: string };
  beforeAll(async () => {
    link = await portalOf({ app: 'acme' });
  });

  it('sees the webhooks of its app only, those created after the link too', async () => {
    const ids = async () => (await herald.webhooks.list(link)).data.map((w: { id: string }) => w.id);
    expect(await ids()).toEqual([hooks.acme]);
    expect((await herald.webhooks.list(link, { app: 'globex' })).data).toEqual([]);
    expect((await herald.webhooks.get(link, hooks.globex)).status).toBe(404);
    expect((await herald.webhooks.get(link, hooks.mine)).status).toBe(404);
    const later = await herald.webhooks.add(ws, { name: 'later', url: good.url, events: TYPES, app: 'acme' });
    expect(await ids()).toEqual([hooks.acme, later]);
    expect((await herald.request('GET', '/session', undefined, link.key)).data).toMatchObject({ kind: 'portal', app: 'acme' });
  });

  it('creates a webhook, which lands in its app; another app is refused (403)', async () => {
    const created = await herald.webhooks.create(link, { name: 'from the portal', url: `${good.url}/portal`, events: ['order.shipped'] });
    expect(created.status).toBe(201);
    expect(created.data.app).toBe('acme');
    expect((await herald.webhooks.get(ws, created.data.id)).data.app).toBe('acme');
    expect((await herald.webhooks.get(link, created.data.id)).status).toBe(200);
    expect((await herald.webhooks.create(link, { name: 'named', url: good.url, events: TYPES, app: 'acme' })).data.app).toBe('acme');
    const elsewhere = await herald.webhooks.create(link, { name: 'escape', url: good.url, events: TYPES, app: 'globex' });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error.details.fields).toEqual(['body.app']);
    // It hears its app's events only.
    const { deliveries } = await herald.events.send(ws, { type: 'order.shipped', app: 'acme' });
    expect(deliveries.map((d) => d.webhookId)).toContain(created.data.id);
    const { deliveries: unrelated } = await herald.events.send(ws, { type: 'order.shipped' });
    expect(unrelated.map((d) => d.webhookId)).not.toContain(created.data.id);
  });

  it('keeps its webhooks in its app', async () => {
    expect((await herald.webhooks.update(link, hooks.acme, { app: null })).status).toBe(403);
    expect((await herald.webhooks.update(link, hooks.acme, { app: 'globex' })).status).toBe(403);
    expect((await herald.webhooks.update(link, hooks.acme, { app: 'acme', name: 'acme hook' })).data).toMatchObject({ app: 'acme', name: 'acme hook' });
  });

  it("sees its app's deliveries only", async () => {
    const listed = await herald.deliveries.list(link, { limit: 200 });
    const webhooks = new Set(listed.data.map((d: { webhookId: string }) => d.webhookId));
    expect(webhooks.has(hooks.acme)).toBe(true);
    for (const id of [hooks.mine, hooks.theirs, hooks.globex]) expect(webhooks.has(id)).toBe(false);
    expect((await herald.deliveries.get(link, deliveryOf.acme)).status).toBe(200);
    expect((await herald.deliveries.get(link, deliveryOf.globex)).status).toBe(404);
  });
});

describe('the end of a link', () => {
  it('is revocation: 401 at once, everywhere', async () => {
    const link = await portalOf({ webhookIds: [hooks.mine] });
    expect((await herald.webhooks.get(link, hooks.mine)).status).toBe(200);
    expect((await herald.request('DELETE', `/workspaces/${ws.id}/portal-links/${link.linkId}`, undefined, ws.key)).status).toBe(204);
    for (const answer of [await herald.webhooks.get(link, hooks.mine), await herald.request('GET', '/session', undefined, link.key)]) {
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('unauthorized');
    }
  });

  it("cannot be another workspace's revocation (404), nor of an unknown link", async () => {
    const link = await portalOf({ webhookIds: [hooks.mine] });
    expect((await herald.request('DELETE', `/workspaces/${other.id}/portal-links/${link.linkId}`, undefined, other.key)).status).toBe(404);
    expect((await herald.request('DELETE', `/workspaces/${ws.id}/portal-links/pl_nope`, undefined, ws.key)).status).toBe(404);
    expect((await herald.webhooks.get(link, hooks.mine)).status).toBe(200);
  });

  it('is its expiry: 401 from then on', async () => {
    const expiresAt = new Date(Date.now() + 2000);
    const { token } = await stack.store.portalLinks.create(ws.id, { scope: { webhookIds: [hooks.mine] }, scopes: [...SCOPES], mintedBy: 'admin', expiresAt });
    const link = { id: ws.id, key: token };
    expect((await herald.webhooks.get(link, hooks.mine)).status).toBe(200);
    await eventually(async () => (await herald.webhooks.get(link, hooks.mine)).status === 401, { timeoutMs: 10_000, what: 'the link to expire' });
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime());
    expect((await herald.request('GET', '/session', undefined, token)).status).toBe(401);
  });

  it("is its maker's revocation: a link dies with the key that minted it", async () => {
    const maker = (await herald.workspaces.createKey(ws.id, {})).data;
    const minted = await mint({ webhookIds: [hooks.mine] }, maker.key as string);
    const link = { id: ws.id, key: minted.data.token as string };
    expect((await herald.webhooks.get(link, hooks.mine)).status).toBe(200);
    expect((await herald.workspaces.revokeKey(ws.id, maker.id as string)).status).toBe(204);
    expect((await herald.webhooks.get(link, hooks.mine)).status).toBe(401);
  });
});

describe("a link's powers and budget come from its maker", () => {
  let api: ApiStack;
  beforeAll(async () => {
    api = await startApi({ rateLimitPerMinute: 6, publicUrl: 'https://hooks.example.com' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('can do no more than the key that minted it (403)', async () => {
    const w = await api.herald.workspace();
    const maker = (await api.herald.workspaces.createKey(w.id, { scopes: ['webhooks:read', 'webhooks:write'] })).data.key as string;
    const minted = await api.herald.request('POST', `/workspaces/${w.id}/portal-links`, { app: 'acme' }, maker);
    expect(minted.data.scopes).toEqual(['webhooks:read', 'webhooks:write']);
    const link = { id: w.id, key: minted.data.token as string };
    expect((await api.herald.webhooks.list(link)).status).toBe(200);
    expect((await api.herald.deliveries.list(link)).status).toBe(403);
  });

  it('carries the console URL with the token in its fragment, and spends its maker’s budget', async () => {
    const w = await api.herald.workspace();
    const minted = await api.herald.request('POST', `/workspaces/${w.id}/portal-links`, { app: 'acme' }, w.key); // the key's 1st request
    expect(minted.data.url).toBe(`https://hooks.example.com/console/#portal=${minted.data.token}`);
    const link = { id: w.id, key: minted.data.token as string };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api.herald.webhooks.list(link)).status, (await api.herald.webhooks.list(w)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await api.herald.webhooks.list(link)).status).toBe(429);
  });
});
