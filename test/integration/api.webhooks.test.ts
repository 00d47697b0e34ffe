// Webhook CRUD and the event catalog through the REST API: every field round-trips, secrets and
// passwords are write-only, list filters and cursor pagination, PATCH with null clears, DELETE 204.
import type { Herald, TestWorkspace } from '../support/client';
import { startHerald, type HeraldStack } from '../support/stack';

jest.setTimeout(120_000);

const EVENT_TYPES = ['ticket.updated', 'ticket.created', 'order.status'];
const SECRET = 'my-plain-secret-123';
const PASSWORD = 'pa55-word-XYZ-never-shown';

let stack: HeraldStack;
let herald: Herald;
let ws: TestWorkspace;

beforeAll(async () => {
  stack = await startHerald();
  herald = stack.herald;
  ws = await herald.workspace(EVENT_TYPES);
});
afterAll(async () => {
  await stack?.stop();
});

/** The webhook as a delivery sees it: its write-only values opened (they are stored sealed). */
const openedTarget = async (id: string) => stack.store.webhooks.openTarget((await stack.store.webhooks.get(ws.id, id))!);

/** Asserts a response never carries the write-only values, whatever field they might hide in. */
function expectNoSecrets(text: string): void {
  for (const hidden of [SECRET, Buffer.from(SECRET).toString('base64'), PASSWORD]) expect(text).not.toContain(hidden);
  expect(text).not.toContain('password');
}

describe('creating and reading a webhook', () => {
  const full = {
    name: 'Everything',
    url: 'https://hooks.example.com/all',
    method: 'PUT',
    contentType: 'xml',
    app: 'shop',
    events: ['ticket.updated', '*'],
    auth: { username: 'herald', password: PASSWORD },
    headers: { 'X-Tenant': 'acme', 'X-Trace': 'a b c' },
    payloadTemplate: '{"ref": "{ticket_ref}"}',
    retryPolicy: { preset: 'progressive', maxRetries: 10, initialIntervalSeconds: 5, maxIntervalSeconds: 300, maxAgeSeconds: 86400 },
    successCodes: [200, 202],
    timeoutMs: 2500,
    active: false,
    secret: SECRET,
    deactivation: { consecutiveFailures: 3, minFailingSeconds: 60 },
  };
  const { secret: _secret, auth: _auth, headers: _headers, ...shown } = full;
  const expected = {
    ...shown,
    id: expect.stringMatching(/^wh_[0-9a-z]+$/),
    auth: { username: 'herald' },
    headerNames: ['X-Tenant', 'X-Trace'], // header values are write-only too
    hasSecret: true,
    // Created switched off: a pause from the start, keeping events for the workspace's buffer window.
    deactivatedAt: expect.any(String),
    deactivationReason: 'created inactive',
    bufferUntil: expect.any(String),
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
  };
  let id: string;

  it('accepts every field and answers 201 without the secret or the password', async () => {
    const created = await herald.webhooks.create(ws, full);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ data: expected, error: null });
    expectNoSecrets(created.text);
    id = created.body.data.id;
    const { deactivatedAt, bufferUntil } = created.body.data;
    expect(Date.parse(bufferUntil) - Date.parse(deactivatedAt)).toBe(432_000_000);
  });

  it('GET shows the same, still without the secret or the password', async () => {
    const fetched = await herald.webhooks.get(ws, id);
    expect(fetched.status).toBe(200);
    // One webhook's view also counts its buffer.
    expect(fetched.body).toEqual({ data: { ...expected, bufferedDeliveries: 0 }, error: null });
    expectNoSecrets(fetched.text);
    const list = await herald.webhooks.list(ws);
    expect(list.body.data).toEqual([expected]);
    expectNoSecrets(list.text);
  });

  it('stores a plain secret normalised to whsec_ form, and the password for signing requests', async () => {
    const target = await openedTarget(id);
    expect(target.secret).toBe(`whsec_${Buffer.from(SECRET).toString('base64')}`);
    expect(target.auth).toEqual(full.auth);
    expect(target.headers).toEqual(full.headers);
  });

  it('fills defaults for the optional fields', async () => {
    const created = await herald.webhooks.create(ws, { name: 'Minimal', url: 'https://hooks.example.com/min', events: ['order.status'] });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      id: expect.any(String),
      name: 'Minimal',
      url: 'https://hooks.example.com/min',
      events: ['order.status'],
      method: 'POST',
      contentType: 'json',
      active: true,
      hasSecret: false,
      retryPolicy: { preset: 'fixed' },
      timeoutMs: expect.any(Number),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    await herald.webhooks.remove(ws, created.body.data.id);
  });
});

describe('listing', () => {
  let listWs: TestWorkspace;
  const names: Record<string, string> = {};

  beforeAll(async () => {
    listWs = await herald.workspace(EVENT_TYPES);
    const specs: Record<string, Record<string, unknown>> = {
      A: { app: 'shop', events: ['ticket.updated'] },
      B: { app: 'shop', events: ['order.status'], active: false },
      C: { events: ['ticket.updated', 'order.status'] },
      D: { app: 'crm', events: ['ticket.created'] },
      E: { events: ['*'], active: false },
    };
    for (const [name, fields] of Object.entries(specs)) {
      names[await herald.webhooks.add(listWs, { name, url: `https://hooks.example.com/${name}`, ...fields })] = name;
    }
  });

  const list = (query: string) => herald.request('GET', `/workspaces/${listWs.id}/webhooks${query}`, undefined, listWs.key);
  const namesOf = (data: Array<{ id: string }>) => data.map((webhook) => names[webhook.id]).sort();

  it.each([
    ['', ['A', 'B', 'C', 'D', 'E']],
    ['?app=shop', ['A', 'B']],
    ['?event=ticket.updated', ['A', 'C']],
    ['?active=false', ['B', 'E']],
    ['?active=true', ['A', 'C', 'D']],
    ['?app=shop&active=true', ['A']],
    ['?app=crm&event=ticket.updated', []],
  ])('GET /webhooks%s lists %j', async (query, expected) => {
    const response = await list(query);
    expect(response.status).toBe(200);
    expect(namesOf(response.body.data)).toEqual(expected);
    expect(response.body).toMatchObject({ error: null, nextCursor: null });
  });

  it('pages with limit and nextCursor until the cursor runs out, without duplicates', async () => {
    const all = (await list('')).body.data.map((webhook: { id: string }) => webhook.id);
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const response = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(response.status).toBe(200);
      pages.push(response.body.data.map((webhook: { id: string }) => webhook.id));
      cursor = response.body.nextCursor;
    } while (cursor !== null && pages.length < 10);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(all);
    expect(new Set(pages.flat()).size).toBe(5);
  });

  it('pages within a filter', async () => {
    const first = await list('?active=true&limit=2');
    expect(first.body.data).toHaveLength(2);
    const second = await list(`?active=true&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(namesOf([...first.body.data, ...second.body.data])).toEqual(['A', 'C', 'D']);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('updating and deleting', () => {
  it('PATCH changes fields and null clears the optional ones', async () => {
    const id = await herald.webhooks.add(ws, {
      name: 'Before',
      url: 'https://hooks.example.com/before',
      events: ['ticket.updated'],
      app: 'shop',
      auth: { username: 'u', password: PASSWORD },
      headers: { 'X-Tenant': 'acme' },
      payloadTemplate: '{"a": "{id}"}',
      secret: true,
      timeoutMs: 2500,
      successCodes: [200],
      deactivation: { consecutiveFailures: 3, minFailingSeconds: 60 },
    });
    const changed = await herald.webhooks.update(ws, id, {
      name: 'After',
      url: 'https://hooks.example.com/after',
      method: 'PUT',
      events: ['order.status'],
      active: false,
      retryPolicy: { preset: 'max-attempts', maxRetries: 3 },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.data).toMatchObject({
      name: 'After',
      url: 'https://hooks.example.com/after',
      method: 'PUT',
      events: ['order.status'],
      active: false,
      app: 'shop',
      hasSecret: true,
      auth: { username: 'u' },
      retryPolicy: { preset: 'max-attempts', maxRetries: 3 },
      timeoutMs: 2500,
    });
    expect(changed.body.data.secret).toBeUndefined();

    const cleared = await herald.webhooks.update(ws, id, {
      app: null,
      auth: null,
      headers: null,
      payloadTemplate: null,
      secret: null,
      timeoutMs: null,
      successCodes: null,
      deactivation: null,
    });
    expect(cleared.status).toBe(200);
    for (const field of ['app', 'auth', 'headerNames', 'payloadTemplate', 'deactivation', 'secret']) expect(cleared.body.data).not.toHaveProperty(field);
    expect(cleared.body.data).toMatchObject({ name: 'After', hasSecret: false });
    expect(cleared.body.data.timeoutMs).not.toBe(2500);

    const fetched = await herald.webhooks.get(ws, id);
    expect(fetched.body.data).toEqual(cleared.body.data);
    const stored = await stack.store.webhooks.get(ws.id, id);
    for (const field of ['app', 'auth', 'headers', 'payloadTemplate', 'secret', 'timeoutMs', 'successCodes', 'deactivation'])
      expect(stored).not.toHaveProperty(field);
    expect(Date.parse(fetched.body.data.updatedAt)).toBeGreaterThanOrEqual(Date.parse(fetched.body.data.createdAt));
  });

  it('PATCH with a new plain secret stores it normalised; secret true reveals a new one once', async () => {
    const id = await herald.webhooks.add(ws, { url: 'https://hooks.example.com/s', events: ['ticket.updated'] });
    const plain = await herald.webhooks.update(ws, id, { secret: SECRET });
    expect(plain.body.data).toMatchObject({ hasSecret: true });
    expectNoSecrets(plain.text);
    expect((await openedTarget(id)).secret).toBe(`whsec_${Buffer.from(SECRET).toString('base64')}`);

    const generated = await herald.webhooks.update(ws, id, { secret: true });
    expect(generated.body.data.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    expect((await openedTarget(id)).secret).toBe(generated.body.data.secret);
    expect((await herald.webhooks.get(ws, id)).text).not.toContain(generated.body.data.secret);
  });

  it('DELETE answers 204 with an empty body; the webhook is gone', async () => {
    const id = await herald.webhooks.add(ws, { url: 'https://hooks.example.com/gone', events: ['ticket.updated'] });
    const deleted = await herald.webhooks.remove(ws, id);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const fetched = await herald.webhooks.get(ws, id);
    expect(fetched.status).toBe(404);
    expect(fetched.body).toEqual({ data: null, error: { code: 'not_found', message: expect.any(String) } });
    expect((await herald.webhooks.remove(ws, id)).status).toBe(404);
    expect((await herald.webhooks.list(ws)).body.data.map((webhook: { id: string }) => webhook.id)).not.toContain(id);
  });
});

describe('event catalog', () => {
  it('derives family from the part before the first dot, unless given', async () => {
    const cases: Array<[Record<string, string>, { name: string; description: string; family: string }]> = [
      [{ name: 'ticket.updated' }, { name: 'ticket.updated', description: '', family: 'ticket' }],
      [
        { name: 'order.status.changed', description: 'Order moved' },
        { name: 'order.status.changed', description: 'Order moved', family: 'order' },
      ],
      [{ name: 'optin_finalized' }, { name: 'optin_finalized', description: '', family: 'optin_finalized' }],
      [
        { name: 'profilemanager_finalized', family: 'newsletter' },
        { name: 'profilemanager_finalized', description: '', family: 'newsletter' },
      ],
    ];
    const catalogWs = await herald.workspace();
    for (const [body, entry] of cases) {
      const created = await herald.eventTypes.create(catalogWs, body);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ data: entry, error: null });
    }
    const listed = await herald.eventTypes.list(catalogWs);
    expect(listed.status).toBe(200);
    expect(listed.body.error).toBeNull();
    expect([...listed.body.data].sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      cases.map(([, entry]) => entry).sort((a, b) => a.name.localeCompare(b.name)),
    );
    // Another workspace's catalog is separate.
    expect((await herald.eventTypes.list(ws)).body.data.map((entry: { name: string }) => entry.name).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('a webhook may subscribe only to catalogued event types (or "*")', async () => {
    const refused = await herald.webhooks.create(ws, { name: 'X', url: 'https://hooks.example.com/x', events: ['ticket.updated', 'ticket.exploded'] });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      data: null,
      error: { code: 'invalid_request', message: expect.stringContaining('body.events'), details: { fields: ['body.events'] } },
    });
    expect(refused.body.error.message).toContain('ticket.exploded');
    const patched = await herald.webhooks.update(ws, await herald.webhooks.add(ws, { url: 'https://hooks.example.com/y', events: ['*'] }), {
      events: ['ticket.exploded'],
    });
    expect(patched.status).toBe(400);
    expect(patched.body.error.message).toContain('body.events');
  });
});
