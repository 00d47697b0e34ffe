// Herald's REST API as a test reads it: `herald.webhooks.create(ws, {...})`,
// `herald.events.post(ws, {...})`, `herald.deliveries.get(ws, id)`. Every call answers the raw
// answer (status, parsed body, text); `data` is the body's `data`. A few intention-named helpers
// (`workspace`, `webhooks.add`, `events.send`, `deliveries.waitFor`) expect success and answer
// only what a test goes on with. The same client runs over real HTTP or through `app.inject`.
import type { FastifyInstance } from 'fastify';
import { eventually } from './eventually';

export const ADMIN_KEY = 'test-admin-key-0123456789';

/** One answer of the API: its status, its JSON body (undefined if empty), its text. */
export interface Answer {
  status: number;
  body: any;
  text: string;
  /** `body.data`, the payload of every successful answer. */
  data: any;
  headers: Record<string, unknown>;
}

/** A workspace and a key of its own (full scope). A test may pair a workspace's id with another's key. */
export interface TestWorkspace {
  id: string;
  key: string;
}

export interface Request {
  method: string;
  /** Under /v1, with its query string. */
  path: string;
  /** JSON-encoded unless it is a string (sent as is). */
  body?: unknown;
  /** The bearer key; null sends none. */
  key?: string | null;
}

export type Transport = (request: Request) => Promise<Answer>;

function answer(status: number, text: string, headers: Answer['headers']): Answer {
  const body = text ? JSON.parse(text) : undefined;
  return { status, body, text, data: body?.data, headers };
}

function headersOf({ body, key = ADMIN_KEY }: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return headers;
}

const payloadOf = (body: unknown) => (body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));

/** Over real HTTP, to an app listening at `baseUrl`. */
export function overHttp(baseUrl: string): Transport {
  return async (request) => {
    const payload = payloadOf(request.body);
    const response = await fetch(`${baseUrl}/v1${request.path}`, {
      method: request.method,
      headers: headersOf(request),
      ...(payload !== undefined ? { body: payload } : {}),
    });
    // forEach, not iteration: preact's types bring in the DOM's Headers, which is not iterable without DOM.Iterable.
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return answer(response.status, await response.text(), headers);
  };
}

/** In process, through Fastify's `inject`: no port, same routing, hooks and serialisation. */
export function throughInject(app: FastifyInstance): Transport {
  return async (request) => {
    const payload = payloadOf(request.body);
    const response = await app.inject({
      method: request.method as 'GET',
      url: `/v1${request.path}`,
      headers: headersOf(request),
      ...(payload !== undefined ? { payload } : {}),
    });
    return answer(response.statusCode, response.body, response.headers);
  };
}

const enc = encodeURIComponent;
const query = (params: Record<string, string | number | undefined> = {}) => {
  const defined = Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  return defined.length ? `?${new URLSearchParams(defined.map(([name, value]): [string, string] => [name, String(value)])).toString()}` : '';
};

/** What a test can post as an event; `data` defaults to {} in `events.send`. */
export interface EventFields {
  id?: string;
  type: string;
  family?: string;
  app?: string;
  data?: unknown;
}

/** The answer to an accepted event. */
export interface Ingested {
  eventId: string;
  deliveries: Array<{ id: string; webhookId: string; status: string }>;
}

const expectStatus = (what: string, expected: number, got: Answer) => {
  if (got.status !== expected) throw new Error(`${what} answered ${got.status}, not ${expected}: ${got.text}`);
  return got;
};

export function heraldClient(transport: Transport) {
  const call = (method: string, path: string, body?: unknown, key?: string | null) => transport({ method, path, body, key });
  const ws = (w: TestWorkspace) => `/workspaces/${w.id}`;

  const workspaces = {
    create: (body: Record<string, unknown> = { name: 'Acme' }, key?: string | null) => call('POST', '/workspaces', body, key),
    get: (id: string, key?: string | null) => call('GET', `/workspaces/${id}`, undefined, key),
    list: (params?: Record<string, string | number | undefined>, key?: string | null) => call('GET', `/workspaces${query(params)}`, undefined, key),
    /** PATCH /workspaces/{id} with the admin key, unless another is given. */
    update: (id: string, patch: Record<string, unknown>, key?: string | null) => call('PATCH', `/workspaces/${id}`, patch, key),
    createKey: (id: string, body: Record<string, unknown> = {}, key?: string | null) => call('POST', `/workspaces/${id}/api-keys`, body, key),
    keys: (id: string, key?: string | null) => call('GET', `/workspaces/${id}/api-keys`, undefined, key),
    revokeKey: (id: string, keyId: string, key?: string | null) => call('DELETE', `/workspaces/${id}/api-keys/${keyId}`, undefined, key),
  };

  const eventTypes = {
    create: (w: TestWorkspace, body: Record<string, unknown>) => call('POST', `${ws(w)}/webhook-events`, body, w.key),
    list: (w: TestWorkspace, params?: Record<string, string | number | undefined>) => call('GET', `${ws(w)}/webhook-events${query(params)}`, undefined, w.key),
  };

  const webhookPath = (w: TestWorkspace, id: string, action?: string) => `${ws(w)}/webhooks/${id}${action ? `/${action}` : ''}`;
  const webhooks = {
    create: (w: TestWorkspace, fields: Record<string, unknown>) => call('POST', `${ws(w)}/webhooks`, fields, w.key),
    /** Creates a webhook (named "Test" unless `fields` names it), expecting 201; its id. */
    add: async (w: TestWorkspace, fields: Record<string, unknown>): Promise<string> =>
      expectStatus('creating a webhook', 201, await webhooks.create(w, { name: 'Test', ...fields })).data.id as string,
    get: (w: TestWorkspace, id: string) => call('GET', webhookPath(w, id), undefined, w.key),
    list: (w: TestWorkspace, params?: Record<string, string | number | undefined>) => call('GET', `${ws(w)}/webhooks${query(params)}`, undefined, w.key),
    update: (w: TestWorkspace, id: string, patch: Record<string, unknown>) => call('PATCH', webhookPath(w, id), patch, w.key),
    remove: (w: TestWorkspace, id: string) => call('DELETE', webhookPath(w, id), undefined, w.key),
    activate: (w: TestWorkspace, id: string, body?: Record<string, unknown>) => call('POST', webhookPath(w, id, 'activate'), body, w.key),
    deactivate: (w: TestWorkspace, id: string) => call('POST', webhookPath(w, id, 'deactivate'), undefined, w.key),
    test: (w: TestWorkspace, id: string, body: Record<string, unknown> = {}) => call('POST', webhookPath(w, id, 'test'), body, w.key),
  };

  const events = {
    /** POST /events with `event` as it is (a string is sent byte for byte). */
    post: (w: TestWorkspace, event: EventFields | string) => call('POST', `${ws(w)}/events`, event, w.key),
    /** Ingests one event (data defaults to {}), expecting 202; the ingest answer's data. */
    send: async (w: TestWorkspace, event: EventFields): Promise<Ingested> =>
      expectStatus('ingesting an event', 202, await events.post(w, { data: {}, ...event })).data as Ingested,
  };

  /** Delivery ids hold slashes: one path segment, encoded. */
  const deliveryPath = (w: TestWorkspace, id: string, action?: 'retry' | 'cancel') => `${ws(w)}/deliveries/${enc(id)}${action ? `/${action}` : ''}`;
  const deliveries = {
    get: (w: TestWorkspace, id: string) => call('GET', deliveryPath(w, id), undefined, w.key),
    list: (w: TestWorkspace, params?: Record<string, string | number | undefined>) => call('GET', `${ws(w)}/deliveries${query(params)}`, undefined, w.key),
    retry: (w: TestWorkspace, id: string) => call('POST', deliveryPath(w, id, 'retry'), undefined, w.key),
    cancel: (w: TestWorkspace, id: string) => call('POST', deliveryPath(w, id, 'cancel'), undefined, w.key),
    /** Polls a delivery until its status is one of `statuses`; its record. */
    waitFor: (w: TestWorkspace, id: string, statuses: string[], timeoutMs = 60_000) =>
      eventually(
        async () => {
          const response = await deliveries.get(w, id);
          if (response.status === 200 && statuses.includes(response.data.status)) return response.data;
          throw new Error(`delivery ${id} is ${response.data?.status} (HTTP ${response.status})`);
        },
        { timeoutMs, what: `delivery ${id} to be ${statuses.join('|')}` },
      ),
    /** Polls a delivery until it has recorded at least `count` attempts; its record. */
    waitForAttempts: (w: TestWorkspace, id: string, count: number, timeoutMs = 60_000) =>
      eventually(
        async () => {
          const response = await deliveries.get(w, id);
          const made = response.data?.attempts?.length ?? 0;
          if (response.status === 200 && made >= count) return response.data;
          throw new Error(`delivery ${id} has ${made} attempts (HTTP ${response.status})`);
        },
        { timeoutMs, what: `delivery ${id} to have ${count} attempts` },
      ),
  };

  const notifications = {
    list: (w: TestWorkspace, params?: Record<string, string | number | undefined>) => call('GET', `${ws(w)}/notifications${query(params)}`, undefined, w.key),
  };

  return {
    /** Any call under /v1, for what the named calls do not cover (bad paths, odd bodies). */
    request: call,
    workspaces,
    eventTypes,
    webhooks,
    events,
    deliveries,
    notifications,
    /** A fresh workspace with a full-scope key and `types` in its catalog. */
    async workspace(types: string[] = []): Promise<TestWorkspace> {
      const id = expectStatus('creating a workspace', 201, await workspaces.create()).data.id as string;
      const key = expectStatus('creating a key', 201, await workspaces.createKey(id)).data.key as string;
      for (const name of types) expectStatus(`adding event type ${name}`, 201, await eventTypes.create({ id, key }, { name }));
      return { id, key };
    },
  };
}

export type Herald = ReturnType<typeof heraldClient>;
