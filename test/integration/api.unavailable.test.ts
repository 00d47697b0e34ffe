// A dependency that is down answers 503 with Retry-After and code `unavailable`, never 500:
// Temporal unreachable inside a route, MongoDB unreachable inside a route, and MongoDB found
// unhealthy by the load-shedding ping (then nothing is attempted at all). The operations
// endpoints keep answering: /healthz says the process lives, /readyz says what is down.
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Client, Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { buildApp } from '../../src/api/app';
import { requireKeyring } from '../../src/config';
import { SecretBox } from '../../src/security/secretBox';
import { createStore, type Store } from '../../src/store';
import { eventually } from '../support/eventually';
import type { Herald } from '../support/client';
import { ADMIN_KEY, startListeningApi, testConfig, type ListeningApiStack } from '../support/stack';

const UNAVAILABLE = { data: null, error: { code: 'unavailable', message: expect.any(String) } };

async function call(baseUrl: string, method: string, path: string, key: string | null = ADMIN_KEY) {
  const response = await fetch(`${baseUrl}${path}`, { method, headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

describe('Temporal unreachable (the API alone: its Temporal client points at a closed port)', () => {
  let stack: ListeningApiStack;
  let herald: Herald;
  beforeAll(async () => {
    stack = await startListeningApi();
    herald = stack.herald;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(['deactivate', 'activate'])('answers 503 with Retry-After when /%s needs Temporal', async (action) => {
    const ws = await herald.workspace(['order.paid']);
    const webhookId = await herald.webhooks.add(ws, { url: 'http://127.0.0.1:9/in', events: ['order.paid'] });
    const body = action === 'activate' ? { replayEvents: false } : undefined;
    const response = await herald.request('POST', `/workspaces/${ws.id}/webhooks/${webhookId}/${action}`, body, ws.key);
    expect(response.status).toBe(503);
    expect(response.body).toEqual(UNAVAILABLE);
    // The process is alive, and says what is missing.
    expect((await call(stack.baseUrl, 'GET', '/healthz')).status).toBe(200);
    expect((await call(stack.baseUrl, 'GET', '/readyz')).body).toMatchObject({ error: { details: { mongodb: true, temporal: false } } });
  });

  it('sets Retry-After on the 503', async () => {
    const ws = await herald.workspace(['order.paid']);
    const webhookId = await herald.webhooks.add(ws, { url: 'http://127.0.0.1:9/in', events: ['order.paid'] });
    const response = await call(stack.baseUrl, 'POST', `/v1/workspaces/${ws.id}/webhooks/${webhookId}/deactivate`, ws.key);
    expect({ status: response.status, retryAfter: Number(response.retryAfter) }).toEqual({ status: 503, retryAfter: expect.any(Number) });
    expect(Number(response.retryAfter)).toBeGreaterThan(0);
  });
});

describe('MongoDB unreachable', () => {
  let client: MongoClient;
  const apps: FastifyInstance[] = [];

  /** The API on `mongo` (default: a client whose server never answers); `checkMs` 0 turns load shedding off. */
  async function appOnDeadMongo(checkMs: number, mongo = client): Promise<{ baseUrl: string; store: Store }> {
    const config = testConfig({ dependencyCheckIntervalMs: checkMs, temporalAddress: '127.0.0.1:1' });
    const store = createStore(mongo.db(), new SecretBox(requireKeyring(config)));
    const connection = Connection.lazy({ address: config.temporalAddress, connectTimeout: 200, interceptors: [] });
    const temporal = { client: new Client({ connection }), taskQueue: config.taskQueue, close: async () => undefined };
    const app = await buildApp({ config, store, temporal, db: mongo.db(), logger: false });
    apps.push(app);
    return { baseUrl: await app.listen({ port: 0, host: '127.0.0.1' }), store };
  }

  beforeAll(() => {
    client = new MongoClient('mongodb://127.0.0.1:1/herald_dead', { serverSelectionTimeoutMS: 300 });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await client.close();
  });

  it('answers 503 when a route meets the dead server (load shedding off)', async () => {
    const { baseUrl } = await appOnDeadMongo(0);
    // Admin key: the route itself reads the workspace; a workspace key: the key lookup reads MongoDB.
    for (const key of [ADMIN_KEY, 'hk_some_key']) {
      const response = await call(baseUrl, 'GET', '/v1/workspaces/ws_x/webhooks', key);
      expect({ status: response.status, body: response.body, retryAfter: response.retryAfter !== null }).toEqual({
        status: 503,
        body: UNAVAILABLE,
        retryAfter: true,
      });
    }
  });

  it('sheds every REST request at once while the ping fails, and keeps /healthz answering', async () => {
    const { baseUrl, store } = await appOnDeadMongo(200);
    const lookups = jest.spyOn(store.apiKeys, 'findActiveByKey');
    for (const path of ['/v1/workspaces/ws_x/webhooks', '/v1/workspaces/ws_x/events', '/v1/nowhere']) {
      const started = Date.now();
      const response = await call(baseUrl, 'GET', path, 'hk_some_key');
      expect({ path, status: response.status, body: response.body, retryAfter: response.retryAfter !== null }).toEqual({
        path,
        status: 503,
        body: UNAVAILABLE,
        retryAfter: true,
      });
      // Not a timing assertion on the server: only that it did not wait out server selection.
      expect(Date.now() - started).toBeLessThan(5000);
    }
    expect(lookups).not.toHaveBeenCalled();
    expect(await call(baseUrl, 'GET', '/healthz', null)).toMatchObject({ status: 200, body: { data: { status: 'ok' }, error: null } });
    expect(await call(baseUrl, 'GET', '/readyz', null)).toMatchObject({ status: 503, body: { data: null, error: { code: 'not_ready' } } });
  });

  it('sheds while MongoDB is away and serves again once it answers', async () => {
    const ferret = new URL(process.env.MONGODB_URL!);
    const proxy = await startProxy(Number(ferret.port));
    const viaProxy = new MongoClient(`mongodb://127.0.0.1:${proxy.port}/herald_shedding`, { serverSelectionTimeoutMS: 500 });
    try {
      const { baseUrl } = await appOnDeadMongo(200, viaProxy);
      const probe = () => call(baseUrl, 'GET', '/v1/workspaces/ws_nope/webhooks');
      expect((await probe()).status).toBe(404); // MongoDB answers: the workspace does not exist
      await proxy.stop();
      // `eventually` retries while the check throws or returns nothing.
      const shed = async () => {
        expect(await probe()).toMatchObject({ status: 503, body: UNAVAILABLE });
        return true;
      };
      const served = async () => {
        expect((await probe()).status).toBe(404);
        return true;
      };
      await eventually(shed, { what: 'load shedding to start' });
      await proxy.start();
      await eventually(served, { what: 'load shedding to end' });
    } finally {
      await proxy.stop();
      await viaProxy.close();
    }
  });
});

/** A TCP relay to `targetPort` that can be cut (every connection dropped) and restored on its port. */
async function startProxy(targetPort: number) {
  const sockets = new Set<net.Socket>();
  const relay = () =>
    net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => [client, upstream].forEach((s) => s.destroy()));
      }
      client.pipe(upstream).pipe(client);
    });
  let server = relay();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async start() {
      server = relay();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
  };
}
