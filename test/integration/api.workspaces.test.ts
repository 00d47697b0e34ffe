// Tenants and their API keys through the admin routes: keys are shown once and stored hashed,
// revoked keys stop working, scopes limit what a key may do, and only the admin key administers.
import { hashKey } from '../../src/store/apiKeys';
import type { Herald, TestWorkspace } from '../support/client';
import { startApi, type ApiStack } from '../support/stack';

jest.setTimeout(120_000);

let stack: ApiStack;
let herald: Herald;

beforeAll(async () => {
  stack = await startApi();
  herald = stack.herald;
});
afterAll(async () => {
  await stack?.stop();
});

const HOOK = { name: 'Hook', url: 'https://hooks.example.com/in', events: ['ticket.updated'] };

/** Creates a key for the workspace with the admin key, expecting 201; returns the create answer's data. */
async function createKey(ws: string, body: Record<string, unknown> = {}) {
  const created = await herald.workspaces.createKey(ws, body);
  expect(created.status).toBe(201);
  return created.body.data as { id: string; key: string; scopes: string[]; name?: string; createdAt: string };
}

describe('workspaces', () => {
  it('creates a workspace with default settings (201)', async () => {
    const created = await herald.workspaces.create({ name: 'Acme' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      data: {
        id: expect.stringMatching(/^ws_[0-9a-z]+$/),
        name: 'Acme',
        settings: {
          requireHttps: false,
          hasNotificationSecret: false,
          deactivation: { consecutiveFailures: 10, minFailingSeconds: 1800, bufferSeconds: 432000 },
        },
        createdAt: expect.any(String),
      },
      error: null,
    });
    expect(Date.parse(created.body.data.createdAt)).not.toBeNaN();
  });

  it('creates a workspace with settings given up front', async () => {
    const settings = {
      notificationUrl: 'https://ops.example.com/herald',
      requireHttps: true,
      deactivation: { consecutiveFailures: 4, minFailingSeconds: 120 },
    };
    const created = await herald.workspaces.create({ name: 'Strict', ...settings });
    expect(created.status).toBe(201);
    // The notification secret is generated with the URL and shown this once.
    expect(created.body.data.settings).toEqual({
      ...settings,
      deactivation: { ...settings.deactivation, bufferSeconds: 432000 },
      hasNotificationSecret: true,
      notificationSecret: expect.stringMatching(/^whsec_/),
    });
    const again = await herald.workspaces.update(created.body.data.id, { name: 'Strict 2' });
    expect(again.body.data.settings).toMatchObject({ hasNotificationSecret: true });
    expect(again.text).not.toContain(created.body.data.settings.notificationSecret);
  });

  it('a given notification secret is kept and never shown; null removes it', async () => {
    const created = await herald.workspaces.create({
      name: 'Own secret',
      notificationUrl: 'https://ops.example.com/h',
      notificationSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    });
    expect(created.status).toBe(201);
    expect(created.body.data.settings.hasNotificationSecret).toBe(true);
    expect(created.text).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    const bad = await herald.workspaces.update(created.body.data.id, { notificationSecret: 'whsec_not base64!' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.notificationSecret');
    const cleared = await herald.workspaces.update(created.body.data.id, { notificationSecret: null });
    expect(cleared.body.data.settings.hasNotificationSecret).toBe(false);
  });

  it('PATCH changes the given settings, keeps the others, and the settings take effect', async () => {
    const ws = await herald.workspace(['ticket.updated']);
    const patched = await herald.workspaces.update(ws.id, {
      notificationUrl: 'https://ops.example.com/notify',
      requireHttps: true,
      deactivation: { consecutiveFailures: 3, minFailingSeconds: 60 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({
      data: {
        id: ws.id,
        name: 'Acme',
        settings: {
          notificationUrl: 'https://ops.example.com/notify',
          hasNotificationSecret: true,
          notificationSecret: expect.stringMatching(/^whsec_/),
          requireHttps: true,
          deactivation: { consecutiveFailures: 3, minFailingSeconds: 60, bufferSeconds: 432000 },
        },
        createdAt: expect.any(String),
      },
      error: null,
    });

    const renamed = await herald.workspaces.update(ws.id, { name: 'Acme Two' });
    const { notificationSecret: _shownOnce, ...kept } = patched.body.data.settings;
    expect(renamed.body.data).toEqual(expect.objectContaining({ name: 'Acme Two', settings: kept }));

    // requireHttps now refuses plain-http targets; https still works.
    const plain = await herald.webhooks.create(ws, { ...HOOK, url: 'http://hooks.example.com/in' });
    expect(plain.status).toBe(400);
    expect(plain.body.error.message).toContain('body.url');
    expect((await herald.webhooks.create(ws, HOOK)).status).toBe(201);
  });

  it('lists workspaces in id order, a page at a time, with settings as GET shows them and no secret', async () => {
    const created: Array<{ id: string }> = [];
    for (const name of ['Listed A', 'Listed B', 'Listed C']) {
      created.push((await herald.workspaces.create({ name, notificationUrl: 'https://ops.example.com/n' })).body.data as { id: string });
    }
    const seen: Array<{ id: string; name: string; settings: Record<string, unknown> }> = [];
    let cursor: string | undefined;
    do {
      const page = await herald.workspaces.list({ limit: 2, cursor });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data);
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    const ids = seen.map((workspace) => workspace.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(created.map((workspace) => workspace.id)));
    const listed = seen.find((workspace) => workspace.id === created[1].id)!;
    expect(listed).toEqual({
      id: created[1].id,
      name: 'Listed B',
      settings: {
        notificationUrl: 'https://ops.example.com/n',
        hasNotificationSecret: true,
        requireHttps: false,
        deactivation: { consecutiveFailures: 10, minFailingSeconds: 1800, bufferSeconds: 432000 },
      },
      createdAt: expect.any(String),
    });
  });

  it('refuses a bad page of workspaces naming the field', async () => {
    const answer = await herald.workspaces.list({ limit: 0 });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('limit');
  });
});

describe('API keys', () => {
  let ws: TestWorkspace;

  beforeAll(async () => {
    ws = await herald.workspace(['ticket.updated']);
  });

  it('shows a new hk_ key once; the list shows neither keys nor hashes', async () => {
    const created = await createKey(ws.id, { name: 'ci', scopes: ['webhooks:read', 'events:write'] });
    expect(created).toEqual({
      id: expect.stringMatching(/^key_/),
      name: 'ci',
      scopes: ['webhooks:read', 'events:write'],
      createdAt: expect.any(String),
      key: expect.stringMatching(/^hk_[A-Za-z0-9_-]{20,}$/),
    });
    const stored = await stack.store.apiKeys.findActiveByKey(created.key);
    expect(stored).toMatchObject({ _id: created.id, hash: hashKey(created.key) });

    const list = await herald.workspaces.keys(ws.id);
    expect(list.status).toBe(200);
    expect(list.body.data).toContainEqual({ id: created.id, name: 'ci', scopes: ['webhooks:read', 'events:write'], createdAt: created.createdAt });
    expect(list.body.data.some((entry: Record<string, unknown>) => 'key' in entry || 'hash' in entry)).toBe(false);
    expect(list.text).not.toContain(created.key);
    expect(list.text).not.toContain(hashKey(created.key));
    expect(list.text).not.toContain(hashKey(ws.key));
  });

  it('a key without scopes gets every scope', async () => {
    const created = await createKey(ws.id);
    expect(created.scopes).toEqual(['webhooks:read', 'webhooks:write', 'events:write', 'deliveries:read', 'deliveries:write']);
  });

  it('a revoked key answers 401 from then on', async () => {
    const { id, key } = await createKey(ws.id);
    const listWith = () => herald.webhooks.list({ id: ws.id, key });
    expect((await listWith()).status).toBe(200);

    const revoked = await herald.workspaces.revokeKey(ws.id, id);
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe('');

    const after = await listWith();
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ data: null, error: { code: 'unauthorized', message: expect.any(String) } });
    const list = await herald.workspaces.keys(ws.id);
    expect(list.body.data.find((entry: { id: string }) => entry.id === id)).toMatchObject({ revokedAt: expect.any(String) });
    // The workspace's other keys are untouched.
    expect((await herald.webhooks.list(ws)).status).toBe(200);
    expect((await herald.workspaces.revokeKey(ws.id, 'key_nope')).status).toBe(404);
  });

  it('a webhooks:read key reads webhooks; anything outside its scope answers 403 forbidden', async () => {
    const { key } = await createKey(ws.id, { scopes: ['webhooks:read'] });
    expect((await herald.webhooks.list({ id: ws.id, key })).status).toBe(200);
    expect((await herald.eventTypes.list({ id: ws.id, key })).status).toBe(200);

    const outOfScope: Array<[string, string, unknown]> = [
      ['POST', `/workspaces/${ws.id}/webhooks`, HOOK],
      ['POST', `/workspaces/${ws.id}/events`, { type: 'ticket.updated', data: {} }],
      ['POST', `/workspaces/${ws.id}/webhook-events`, { name: 'ticket.closed' }],
      ['GET', `/workspaces/${ws.id}/deliveries`, undefined],
    ];
    for (const [method, path, body] of outOfScope) {
      const response = await herald.request(method, path, body, key);
      expect({ method, path, status: response.status, body: response.body }).toEqual({
        method,
        path,
        status: 403,
        body: { data: null, error: { code: 'forbidden', message: expect.any(String) } },
      });
    }
    expect((await herald.webhooks.list(ws)).body.data).toEqual([]);
  });

  it('an events:write key ingests but cannot read webhooks', async () => {
    const { key } = await createKey(ws.id, { scopes: ['events:write'] });
    expect((await herald.events.post({ id: ws.id, key }, { type: 'ticket.updated', data: {} })).status).toBe(202);
    expect((await herald.webhooks.list({ id: ws.id, key })).status).toBe(403);
  });

  it('admin routes refuse workspace keys and missing keys with 401', async () => {
    const adminCalls: Array<[string, string, unknown]> = [
      ['POST', '/workspaces', { name: 'Sneaky' }],
      ['GET', '/workspaces', undefined],
      ['PATCH', `/workspaces/${ws.id}`, { requireHttps: true }],
      ['POST', `/workspaces/${ws.id}/api-keys`, {}],
      ['GET', `/workspaces/${ws.id}/api-keys`, undefined],
      ['DELETE', `/workspaces/${ws.id}/api-keys/key_nope`, undefined],
    ];
    for (const key of [ws.key, null, 'hk_not-a-key']) {
      for (const [method, path, body] of adminCalls) {
        const response = await herald.request(method, path, body, key);
        expect({ method, path, key, status: response.status, code: response.body?.error?.code }).toEqual({
          method,
          path,
          key,
          status: 401,
          code: 'unauthorized',
        });
      }
    }
    // Nothing changed: the workspace still accepts plain-http targets.
    const created = await herald.webhooks.create(ws, { ...HOOK, url: 'http://hooks.example.com/in' });
    expect(created.status).toBe(201);
  });

  it('keys of one workspace open nothing in another (404)', async () => {
    const other = await herald.workspace();
    const response = await herald.webhooks.list({ id: other.id, key: ws.key });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });
});
