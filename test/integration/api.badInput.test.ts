// Bad input on every endpoint, as one table: each row is a request and the 4xx it must earn.
// Every answer is the error envelope `{data: null, error: {code, message}}`, and a 400 names the
// offending field. Ids of another workspace answer 404, never 403.
import type { Herald } from '../support/client';
import { startApi, type ApiStack } from '../support/stack';

jest.setTimeout(120_000);

// A small body limit, so the oversize rows need only 10 KB.
const MAX_BODY_BYTES = 4096;
const OVERSIZE = JSON.stringify({ name: 'x'.repeat(10_000), type: 'ticket.updated', data: {} });
const BROKEN_JSON = '{"name": "unterminated';
const HOOK = { name: 'Hook', url: 'https://hooks.example.com/in', events: ['ticket.updated'] };

type KeyName = 'admin' | 'ws' | 'read' | 'other' | 'none';

interface Row {
  name: string;
  body?: unknown;
  status: number;
  /** Text the error message must contain, usually the field name. */
  mentions?: string;
  code?: string;
  /** Overrides the endpoint's key. */
  key?: KeyName;
  /** Appended to the endpoint's path (query strings). */
  query?: string;
  /** Replaces the endpoint's path. */
  path?: string;
}
interface Case extends Row {
  method: string;
  path: string;
  key: KeyName;
}

const CODE_BY_STATUS: Record<number, string> = { 400: 'invalid_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large' };

/** All rows of one endpoint; `:ws`, `:wh`, `:otherWs` and `:otherWh` are filled in at run time. */
const endpoint =
  (method: string, path: string, key: KeyName) =>
  (rows: Row[]): Case[] =>
    rows.map((row) => ({ method, key, ...row, path: row.path ?? path }));

// Rows shared by every authenticated endpoint that takes a JSON body.
const bodyBasics = (valid: unknown): Row[] => [
  { name: 'invalid JSON', body: BROKEN_JSON, status: 400, code: 'invalid_json', mentions: 'JSON' },
  { name: 'oversize body', body: OVERSIZE, status: 413 },
  { name: 'missing key, even with a bad body', body: BROKEN_JSON, key: 'none', status: 401 },
  { name: 'missing key', body: valid, key: 'none', status: 401 },
];
// Rows shared by every route under /workspaces/{ws}/<resource>.
const workspaceScoped = (resource: string, valid?: unknown): Row[] => [
  { name: "another workspace's key", body: valid, key: 'other', status: 404 },
  { name: 'unknown workspace (admin key)', body: valid, key: 'admin', path: `/workspaces/ws_nope/${resource}`, status: 404 },
];

const CASES: Case[] = [
  ...endpoint(
    'POST',
    '/workspaces',
    'admin',
  )([
    { name: 'unknown field', body: { name: 'A', colour: 'red' }, status: 400, mentions: 'body.colour is not a known field' },
    { name: 'name of the wrong type', body: { name: 5 }, status: 400, mentions: 'body.name' },
    { name: 'missing name', body: {}, status: 400, mentions: 'body.name is required' },
    { name: 'ftp notification URL', body: { name: 'A', notificationUrl: 'ftp://files.example.com' }, status: 400, mentions: 'body.notificationUrl' },
    { name: 'requireHttps as a string', body: { name: 'A', requireHttps: 'yes' }, status: 400, mentions: 'body.requireHttps' },
    {
      name: 'deactivation count as a string',
      body: { name: 'A', deactivation: { consecutiveFailures: '3', minFailingSeconds: 0 } },
      status: 400,
      mentions: 'body.deactivation.consecutiveFailures',
    },
    { name: 'workspace key', body: { name: 'A' }, key: 'ws', status: 401 },
    ...bodyBasics({ name: 'A' }),
  ]),
  ...endpoint(
    'PATCH',
    '/workspaces/:ws',
    'admin',
  )([
    { name: 'unknown field', body: { colour: 'red' }, status: 400, mentions: 'body.colour is not a known field' },
    { name: 'empty body', body: {}, status: 400, mentions: 'body' },
    { name: 'requireHttps as a string', body: { requireHttps: 'true' }, status: 400, mentions: 'body.requireHttps' },
    { name: 'invalid notification URL', body: { notificationUrl: 'not a url' }, status: 400, mentions: 'body.notificationUrl' },
    { name: 'unknown workspace', body: { name: 'B' }, path: '/workspaces/ws_nope', status: 404 },
    { name: 'workspace key', body: { name: 'B' }, key: 'ws', status: 401 },
    ...bodyBasics({ name: 'B' }),
  ]),
  ...endpoint(
    'POST',
    '/workspaces/:ws/api-keys',
    'admin',
  )([
    { name: 'unknown field', body: { colour: 'red' }, status: 400, mentions: 'body.colour is not a known field' },
    { name: 'unknown scope', body: { scopes: ['everything'] }, status: 400, mentions: 'body.scopes.0' },
    { name: 'scopes as a string', body: { scopes: 'webhooks:read' }, status: 400, mentions: 'body.scopes' },
    { name: 'unknown workspace', body: {}, path: '/workspaces/ws_nope/api-keys', status: 404 },
    { name: 'workspace key', body: {}, key: 'ws', status: 401 },
    ...bodyBasics({}),
  ]),
  ...endpoint(
    'POST',
    '/workspaces/:ws/webhook-events',
    'ws',
  )([
    { name: 'unknown field', body: { name: 'a.b', colour: 'red' }, status: 400, mentions: 'body.colour is not a known field' },
    { name: 'name of the wrong type', body: { name: 5 }, status: 400, mentions: 'body.name' },
    { name: 'missing name', body: { description: 'x' }, status: 400, mentions: 'body.name is required' },
    { name: 'name with a space', body: { name: 'a b' }, status: 400, mentions: 'body.name' },
    { name: 'read-only key', body: { name: 'a.b' }, key: 'read', status: 403 },
    ...bodyBasics({ name: 'a.b' }),
    ...workspaceScoped('webhook-events', { name: 'a.b' }),
  ]),
  ...endpoint(
    'GET',
    '/workspaces/:ws/webhook-events',
    'ws',
  )([
    { name: 'unknown query field', query: '?colour=red', status: 400, mentions: 'querystring.colour is not a known field' },
    { name: 'missing key', key: 'none', status: 401 },
    ...workspaceScoped('webhook-events'),
  ]),
  ...endpoint(
    'POST',
    '/workspaces/:ws/webhooks',
    'ws',
  )([
    { name: 'unknown field', body: { ...HOOK, colour: 'red' }, status: 400, mentions: 'body.colour is not a known field' },
    { name: 'name as a number', body: { ...HOOK, name: 5 }, status: 400, mentions: 'body.name' },
    { name: 'events as a string', body: { ...HOOK, events: 'x' }, status: 400, mentions: 'body.events' },
    { name: 'active as a string', body: { ...HOOK, active: 'yes' }, status: 400, mentions: 'body.active' },
    { name: 'timeoutMs as a string is not coerced', body: { ...HOOK, timeoutMs: '5000' }, status: 400, mentions: 'body.timeoutMs' },
    { name: 'timeoutMs out of range', body: { ...HOOK, timeoutMs: 5 }, status: 400, mentions: 'body.timeoutMs' },
    { name: 'missing url', body: { name: 'Hook', events: ['ticket.updated'] }, status: 400, mentions: 'body.url is required' },
    { name: 'missing events', body: { name: 'Hook', url: HOOK.url }, status: 400, mentions: 'body.events is required' },
    { name: 'invalid URL', body: { ...HOOK, url: 'not a url at all' }, status: 400, mentions: 'body.url' },
    { name: 'ftp URL', body: { ...HOOK, url: 'ftp://files.example.com/in' }, status: 400, mentions: 'body.url' },
    { name: 'GET method', body: { ...HOOK, method: 'GET' }, status: 400, mentions: 'body.method must be one of "POST", "PUT"' },
    { name: 'unknown content type', body: { ...HOOK, contentType: 'yaml' }, status: 400, mentions: 'body.contentType must be one of "json", "form", "xml"' },
    { name: 'unknown preset', body: { ...HOOK, retryPolicy: { preset: 'weekly' } }, status: 400, mentions: 'body.retryPolicy.preset' },
    {
      name: 'intervalSeconds on progressive',
      body: { ...HOOK, retryPolicy: { preset: 'progressive', intervalSeconds: 60 } },
      status: 400,
      mentions: 'body.retryPolicy.intervalSeconds',
    },
    {
      name: 'unknown retry policy field',
      body: { ...HOOK, retryPolicy: { preset: 'fixed', colour: 'red' } },
      status: 400,
      mentions: 'body.retryPolicy.colour',
    },
    { name: 'auth without username', body: { ...HOOK, auth: { password: 'p' } }, status: 400, mentions: 'body.auth.username' },
    {
      name: 'reserved custom header',
      body: { ...HOOK, headers: { 'webhook-signature': 'v1,forged' } },
      status: 400,
      mentions: 'body.headers.webhook-signature',
    },
    { name: 'header value as a number', body: { ...HOOK, headers: { 'X-Tenant': 7 } }, status: 400, mentions: 'body.headers.X-Tenant' },
    { name: 'whsec_ secret that is not base64', body: { ...HOOK, secret: 'whsec_!!not-base64!!' }, status: 400, mentions: 'body.secret' },
    { name: 'secret false', body: { ...HOOK, secret: false }, status: 400, mentions: 'body.secret must be true or string' },
    { name: 'template that is not JSON', body: { ...HOOK, payloadTemplate: 'ref={ref}' }, status: 400, mentions: 'body.payloadTemplate' },
    { name: 'unknown event type', body: { ...HOOK, events: ['no.such'] }, status: 400, mentions: 'body.events' },
    { name: 'success code out of range', body: { ...HOOK, successCodes: [99] }, status: 400, mentions: 'body.successCodes.0' },
    { name: 'read-only key', body: HOOK, key: 'read', status: 403 },
    ...bodyBasics(HOOK),
    ...workspaceScoped('webhooks', HOOK),
  ]),
  ...endpoint(
    'GET',
    '/workspaces/:ws/webhooks',
    'ws',
  )([
    { name: 'active that is not a boolean', query: '?active=maybe', status: 400, mentions: 'querystring.active' },
    { name: 'limit 0', query: '?limit=0', status: 400, mentions: 'querystring.limit' },
    { name: 'unknown query field', query: '?colour=red', status: 400, mentions: 'querystring.colour is not a known field' },
    { name: 'missing key', key: 'none', status: 401 },
    ...workspaceScoped('webhooks'),
  ]),
  ...endpoint(
    'GET',
    '/workspaces/:ws/webhooks/:wh',
    'ws',
  )([
    { name: "another workspace's webhook", path: '/workspaces/:ws/webhooks/:otherWh', status: 404 },
    { name: "another workspace's key", key: 'other', status: 404 },
    { name: 'unknown id', path: '/workspaces/:ws/webhooks/wh_nope', status: 404 },
    { name: 'missing key', key: 'none', status: 401 },
  ]),
  ...endpoint(
    'PATCH',
    '/workspaces/:ws/webhooks/:wh',
    'ws',
  )([
    { name: 'unknown field', body: { colour: 'red' }, status: 400, mentions: 'body.colour is not a known field' },
    { name: 'empty body', body: {}, status: 400, mentions: 'body must name at least 1 field' },
    { name: 'auth without username', body: { auth: { password: 'p' } }, status: 400, mentions: 'body.auth.username is required' },
    { name: 'name as a number', body: { name: 5 }, status: 400, mentions: 'body.name' },
    { name: 'null name (not clearable)', body: { name: null }, status: 400, mentions: 'body.name' },
    { name: 'timeoutMs as a string', body: { timeoutMs: '5000' }, status: 400, mentions: 'body.timeoutMs must be integer or null' },
    { name: 'auth as a string', body: { auth: 'user:pass' }, status: 400, mentions: 'body.auth' },
    { name: 'ftp URL', body: { url: 'ftp://files.example.com/in' }, status: 400, mentions: 'body.url' },
    { name: 'unknown preset', body: { retryPolicy: { preset: 'weekly' } }, status: 400, mentions: 'body.retryPolicy.preset' },
    { name: 'reserved custom header', body: { headers: { 'User-Agent': 'evil' } }, status: 400, mentions: 'body.headers.User-Agent' },
    { name: "another workspace's webhook", body: { name: 'X' }, path: '/workspaces/:ws/webhooks/:otherWh', status: 404 },
    { name: "another workspace's key", body: { name: 'X' }, key: 'other', status: 404 },
    { name: 'unknown id', body: { name: 'X' }, path: '/workspaces/:ws/webhooks/wh_nope', status: 404 },
    { name: 'read-only key', body: { name: 'X' }, key: 'read', status: 403 },
    ...bodyBasics({ name: 'X' }),
  ]),
  ...endpoint(
    'DELETE',
    '/workspaces/:ws/webhooks/:wh',
    'ws',
  )([
    { name: "another workspace's webhook", path: '/workspaces/:ws/webhooks/:otherWh', status: 404 },
    { name: "another workspace's key", key: 'other', status: 404 },
    { name: 'unknown id', path: '/workspaces/:ws/webhooks/wh_nope', status: 404 },
    { name: 'read-only key', key: 'read', status: 403 },
    { name: 'missing key', key: 'none', status: 401 },
  ]),
  ...endpoint(
    'POST',
    '/workspaces/:ws/events',
    'ws',
  )([
    { name: 'unknown field', body: { type: 'ticket.updated', data: {}, colour: 'red' }, status: 400, mentions: 'body.colour is not a known field' },
    { name: 'type as a number', body: { type: 5, data: {} }, status: 400, mentions: 'body.type' },
    { name: 'missing type', body: { data: {} }, status: 400, mentions: 'body.type is required' },
    { name: 'missing data', body: { type: 'ticket.updated' }, status: 400, mentions: 'body.data is required' },
    { name: 'id with a space', body: { id: 'a b', type: 'ticket.updated', data: {} }, status: 400, mentions: 'body.id' },
    { name: 'app as a number', body: { type: 'ticket.updated', app: 5, data: {} }, status: 400, mentions: 'body.app' },
    { name: 'body that is an array', body: [{ type: 'ticket.updated', data: {} }], status: 400, mentions: 'body' },
    { name: 'read-only key', body: { type: 'ticket.updated', data: {} }, key: 'read', status: 403 },
    ...bodyBasics({ type: 'ticket.updated', data: {} }),
    ...workspaceScoped('events', { type: 'ticket.updated', data: {} }),
  ]),
  ...endpoint(
    'GET',
    '/workspaces/:ws/deliveries',
    'ws',
  )([
    { name: 'unknown status', query: '?status=bogus', status: 400, mentions: 'querystring.status' },
    { name: 'limit that is not a number', query: '?limit=abc', status: 400, mentions: 'querystring.limit' },
    { name: 'unknown query field', query: '?colour=red', status: 400, mentions: 'querystring.colour is not a known field' },
    { name: 'missing key', key: 'none', status: 401 },
    ...workspaceScoped('deliveries'),
  ]),
];

let stack: ApiStack;
let herald: Herald;
const ids = { ws: '', wh: '', otherWs: '', otherWh: '' };
const keys: Record<KeyName, string | null> = { admin: null, ws: null, read: null, other: null, none: null };

beforeAll(async () => {
  stack = await startApi({ maxBodyBytes: MAX_BODY_BYTES });
  herald = stack.herald;
  const [mine, other] = [await herald.workspace(['ticket.updated']), await herald.workspace(['ticket.updated'])];
  const read = await herald.workspaces.createKey(mine.id, { scopes: ['webhooks:read'] });
  const webhookIn = async (ws: { id: string; key: string }) =>
    (await herald.request('POST', `/workspaces/${ws.id}/webhooks`, HOOK, ws.key)).body.data.id as string;
  Object.assign(ids, { ws: mine.id, wh: await webhookIn(mine), otherWs: other.id, otherWh: await webhookIn(other) });
  Object.assign(keys, { admin: stack.config.adminKey, ws: mine.key, read: read.body.data.key, other: other.key });
});
afterAll(async () => {
  await stack?.stop();
});

describe('bad input answers a 4xx error envelope that names the field', () => {
  it.each(CASES.map((c) => [`${c.method} ${c.path}${c.query ?? ''}: ${c.name}`, c] as const))('%s', async (_title, c) => {
    const path = c.path.replace(/:(otherWs|otherWh|ws|wh)\b/g, (_m, name: keyof typeof ids) => ids[name]) + (c.query ?? '');
    const response = await herald.request(c.method, path, c.body, keys[c.key]);

    expect({ status: response.status, message: response.body?.error?.message }).toEqual({ status: c.status, message: expect.any(String) });
    expect(response.body).toEqual({ data: null, error: expect.objectContaining({ code: c.code ?? CODE_BY_STATUS[c.status], message: expect.any(String) }) });
    expect(Object.keys(response.body.error).filter((field) => !['code', 'message', 'details'].includes(field))).toEqual([]);
    if (c.mentions) expect(response.body.error.message).toContain(c.mentions);
  });

  it('left the targets of the failed writes untouched', async () => {
    const mine = await herald.request('GET', `/workspaces/${ids.ws}/webhooks/${ids.wh}`, undefined, keys.ws);
    expect(mine.body.data).toMatchObject({ name: HOOK.name, url: HOOK.url, events: HOOK.events });
    const theirs = await herald.request('GET', `/workspaces/${ids.otherWs}/webhooks/${ids.otherWh}`, undefined, keys.other);
    expect(theirs.status).toBe(200);
    const list = await herald.request('GET', `/workspaces/${ids.ws}/webhooks`, undefined, keys.ws);
    expect(list.body.data.map((webhook: { id: string }) => webhook.id)).toEqual([ids.wh]);
  });
});
