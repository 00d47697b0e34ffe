// Herald as the integration tests run it: the real worker and the real Fastify app, in this
// process, against the Temporal dev server and FerretDB started by globalSetup. Each test file
// gets its own task queue and database so files can run in parallel. Suites that test only the
// API's answers use startApi: the app alone, with no worker and no Temporal.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { loadConfig, requireKeyring, type Config } from '../../src/config';
import { SecretBox } from '../../src/security/secretBox';
import { createStore, type Store } from '../../src/store';
import { connectMongo, ensureIndexes, type Mongo } from '../../src/store/mongo';
import { Client, Connection } from '@temporalio/client';
import { clientOnWorkerConnection, connectTemporal, type TemporalDeps } from '../../src/temporal/client';
import type { ResolveHost } from '../../src/outbound';
import type { WorkerMetrics } from '../../src/metrics';
import { createWorker } from '../../src/main/worker';
import { removeSchedules } from '../../src/temporal/schedules';
import { ADMIN_KEY, heraldClient, overHttp, throughInject, type Herald, type TestWorkspace } from './client';
import { quietRuntime } from './quietRuntime';
import { startReceiver, type Receiver, type Reply } from './receiver';
import { freePort } from './services';

export { ADMIN_KEY, type TestWorkspace } from './client';
/** A fixed key for secrets at rest: test data is readable by every helper of the run. */
export const TEST_ENCRYPTION_KEY = 'test:aGVyYWxkLXRlc3Qtb25seS1lbmNyeXB0aW9uLWtleSE=';

/** The app and a client of it: through app.inject, or over HTTP when it listens. */
export interface ApiStack {
  config: Config;
  app: FastifyInstance;
  herald: Herald;
  store: Store;
  temporal: TemporalDeps;
  stop(): Promise<void>;
}

/** An app listening on a free port, for what needs a socket: receivers of redirects, raw HTTP, proxies. */
export interface ListeningApiStack extends ApiStack {
  baseUrl: string;
}

export interface HeraldStack extends ListeningApiStack {
  workerMetrics: WorkerMetrics;
  stop(): Promise<void>;
}

/** A configuration of this test file's own: its own task queue and database. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const suffix = randomBytes(4).toString('hex');
  const base = loadConfig({
    HERALD_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ...process.env,
    HERALD_ADMIN_KEY: ADMIN_KEY,
    HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
    LOG_LEVEL: 'warn',
  });
  return {
    ...base,
    port: 0,
    taskQueue: `herald-test-${suffix}`,
    mongodbUrl: base.mongodbUrl.replace(/\/[^/?]*(\?|$)/, `/herald_${suffix}$1`),
    ...overrides,
  };
}

/** The real API on the test config's own database, not listening (fastify/demo's `build()`). */
async function buildTestApp(config: Config, temporal: TemporalDeps, logger: boolean | object = false, resolveHost?: ResolveHost) {
  const mongo: Mongo = await connectMongo(config.mongodbUrl);
  await ensureIndexes(mongo.db);
  const store = createStore(mongo.db, new SecretBox(requireKeyring(config)));
  const app = await buildApp({ config, store, temporal, db: mongo.db, logger, ...(resolveHost ? { resolveHost } : {}) });
  return { mongo, store, app };
}

/**
 * The real API on the test config's own database, listening on a free port (or the config's own,
 * when a test needs to know it beforehand, e.g. for HERALD_PUBLIC_URL); `herald` calls it over HTTP.
 */
export async function serveApi(config: Config, temporal: TemporalDeps, logger: boolean | object = false, resolveHost?: ResolveHost) {
  const { mongo, store, app } = await buildTestApp(config, temporal, logger, resolveHost);
  const baseUrl = await app.listen({ port: config.port, host: '127.0.0.1' });
  return { mongo, store, app, baseUrl, herald: heraldClient(overHttp(baseUrl)) };
}

/**
 * The API alone, on its own database, with no worker and no Temporal: its Temporal client points
 * at a port where nothing listens and does not retry, so a route that needs Temporal fails at
 * once (webhook creation logs it and goes on). For suites that test the API's answers only:
 * `herald` reaches it through app.inject, and no port is opened.
 */
export async function startApi(overrides: Partial<Config> = {}): Promise<ApiStack> {
  const { config, temporal } = apiAlone(overrides);
  const { mongo, store, app } = await buildTestApp(config, temporal);
  return { config, app, herald: heraldClient(throughInject(app)), store, temporal, stop: stopApiAlone(app, temporal, mongo) };
}

/** startApi, listening on a free port: for suites that need a socket (raw HTTP, client addresses, redirects). */
export async function startListeningApi(overrides: Partial<Config> = {}): Promise<ListeningApiStack> {
  const { config, temporal } = apiAlone(overrides);
  const { mongo, store, app, baseUrl, herald } = await serveApi(config, temporal);
  return { config, app, baseUrl, herald, store, temporal, stop: stopApiAlone(app, temporal, mongo) };
}

function apiAlone(overrides: Partial<Config>): { config: Config; temporal: TemporalDeps } {
  if (process.env.HERALD_TEST_SERVICES !== '1') throw new Error('integration tests need the services project globalSetup');
  const config = testConfig({ ...overrides, temporalAddress: '127.0.0.1:1' });
  const connection = Connection.lazy({ address: config.temporalAddress, connectTimeout: 200, interceptors: [] });
  return { config, temporal: { client: new Client({ connection }), taskQueue: config.taskQueue, close: () => connection.close() } };
}

function stopApiAlone(app: FastifyInstance, temporal: TemporalDeps, mongo: Mongo) {
  return async () => {
    await app.close();
    await temporal.close().catch(() => undefined); // never connected: nothing to close
    await mongo.close();
  };
}

/**
 * `logLines`: collect the API's JSON log lines (at trace level) instead of discarding them.
 * `resolveHost`: the answers webhook host names get, in the API's checks and the worker's sends.
 */
export async function startHerald(overrides: Partial<Config> = {}, options: { logLines?: string[]; resolveHost?: ResolveHost } = {}): Promise<HeraldStack> {
  if (process.env.HERALD_TEST_SERVICES !== '1') throw new Error('integration tests need the services project globalSetup');
  quietRuntime();
  const config = testConfig(overrides);

  // As the API process runs by default: the client on the worker's connection, so event starts are eager.
  const {
    worker,
    connection,
    metrics: workerMetrics,
    close: closeWorker,
  } = await createWorker(config, options.resolveHost ? { resolveHost: options.resolveHost } : {});
  const temporal = config.apiRunsWorker ? clientOnWorkerConnection(connection, config) : await connectTemporal(config);
  const running = worker.run();
  const logger = options.logLines ? { level: 'trace', stream: { write: (line: string) => void options.logLines!.push(line) } } : false;
  const { mongo, store, app, baseUrl, herald } = await serveApi(config, temporal, logger, options.resolveHost);

  return {
    config,
    app,
    baseUrl,
    herald,
    store,
    temporal,
    workerMetrics,
    async stop() {
      await app.close();
      await removeSchedules(temporal.client, config.taskQueue);
      worker.shutdown();
      await running;
      await closeWorker();
      await temporal.close();
      await mongo.close();
    },
  };
}

/**
 * startHerald with HERALD_PUBLIC_URL at the API's own address (a port chosen beforehand), so
 * deactivations carry activation links that reach it.
 */
export async function startHeraldWithLinks(overrides: Partial<Config> = {}, options: Parameters<typeof startHerald>[1] = {}): Promise<HeraldStack> {
  const port = await freePort();
  return startHerald({ port, publicUrl: `http://127.0.0.1:${port}`, ...overrides }, options);
}

/** The REST path of one delivery (or of its retry/cancel action); delivery ids hold slashes. */
export function deliveryPath(ws: string, deliveryId: string, action?: 'retry' | 'cancel'): string {
  return `/workspaces/${ws}/deliveries/${encodeURIComponent(deliveryId)}${action ? `/${action}` : ''}`;
}

export interface DeliveryCase {
  ws: TestWorkspace;
  receiver: Receiver;
  webhookId: string;
  deliveryId: string;
}

/**
 * One webhook (`fields` add to or override its url and events) in a workspace of its own, so its
 * events reach nothing else; its own receiver, scripted with `replies` then `fallback`; one event
 * sent to it. The caller closes `receiver`.
 */
export async function startDeliveryCase(
  stack: HeraldStack,
  fields: Record<string, unknown>,
  replies: Reply[] = [],
  fallback: Reply = { status: 200, body: 'ok' },
): Promise<DeliveryCase> {
  const eventType = 'order.status';
  const [ws, receiver] = await Promise.all([stack.herald.workspace([eventType]), startReceiver()]);
  receiver.script(replies, fallback);
  const webhookId = await stack.herald.webhooks.add(ws, { url: receiver.url, events: [eventType], ...fields });
  const { deliveries } = await stack.herald.events.send(ws, { type: eventType, data: { orderId: 'A-1' } });
  return { ws, receiver, webhookId, deliveryId: deliveries[0].id };
}

/** What a test can predict of each attempt: its number, status code and error kind. */
export function attemptOutcomes(delivery: { attempts: Array<{ n: number; statusCode?: number; error?: { kind: string } }> }) {
  return delivery.attempts.map((attempt) => ({ n: attempt.n, statusCode: attempt.statusCode, kind: attempt.error?.kind }));
}
