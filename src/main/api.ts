// The API process: Fastify on MongoDB and a Temporal client, and, unless HERALD_API_WORKER=false,
// a worker of its own whose connection the client shares, so event workflows start eagerly.
import { buildApp } from '../api/app';
import { ConfigError, loadConfig, requireKeyring, type Config } from '../config';
import { SecretBox } from '../security/secretBox';
import { createStore } from '../store';
import { connectMongo, ensureIndexes } from '../store/mongo';
import { clientOnWorkerConnection, connectTemporal, type TemporalDeps } from '../temporal/client';
import { createWorker, type HeraldWorker } from './worker';

export async function startServer(config: Config) {
  const box = new SecretBox(requireKeyring(config)); // before any connection: a missing key stops the start
  const mongo = await connectMongo(config.mongodbUrl);
  await ensureIndexes(mongo.db);
  let embedded: { worker: HeraldWorker; running: Promise<void> } | undefined;
  let temporal: TemporalDeps;
  if (config.apiRunsWorker) {
    const worker = await createWorker(config, { mongo });
    embedded = { worker, running: worker.worker.run() };
    temporal = clientOnWorkerConnection(worker.connection, config);
  } else {
    temporal = await connectTemporal(config);
  }
  const app = await buildApp({
    config,
    store: createStore(mongo.db, box),
    temporal,
    db: mongo.db,
    ...(embedded ? { workerMetrics: embedded.worker.metrics.registry } : {}),
  });
  app.addHook('onClose', async () => {
    // Requests are answered first; then the worker finishes its tasks and leaves the task queue.
    if (embedded) {
      if (embedded.worker.worker.getState() === 'RUNNING') embedded.worker.worker.shutdown();
      await embedded.running.catch(() => undefined); // a worker that failed has been reported already
      await embedded.worker.close();
    }
    await temporal.close();
    await mongo.close();
  });
  await app.listen({ port: config.port, host: config.host });
  /** Settles when the embedded worker stops: a failure of it ends the process, as a worker process would end. */
  const workerStopped = embedded?.running;
  return { app, temporal, workerStopped };
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.adminKey) console.warn('HERALD_ADMIN_KEY is not set: admin routes (workspaces, API keys) will answer 401.');
  const { app, workerStopped } = await startServer(config);
  if (workerStopped) console.log(`API runs a worker on task queue ${config.taskQueue}: event workflows start eagerly`);
  let closing = false;
  const close = (code: number) => {
    if (closing) return;
    closing = true;
    app.close().then(
      () => process.exit(code),
      () => process.exit(1),
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => close(0));
  workerStopped?.catch((error: unknown) => {
    console.error("the API process's worker failed:", error);
    close(1);
  });
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
