// Herald with its worker in separate processes, for tests that SIGKILL a worker mid-way and start
// another: the real API in this process (like startHerald, without its in-process worker) and
// workers run from src/main/worker.ts on the stack's own task queue and database.
import path from 'node:path';
import { startHeraldProcess, waitUntilReady, type ManagedProcess } from '../../scripts/dev/processes';
import { connectTemporal } from '../../src/temporal/client';
import { serveApi, testConfig, TEST_ENCRYPTION_KEY, type HeraldStack } from './stack';

const ROOT = path.resolve(__dirname, '..', '..');
/** Bundling the workflows at start takes a worker a few seconds of CPU on a small machine. */
const WORKER_READY_TIMEOUT_MS = 60_000;

export interface ProcessWorkerStack extends Omit<HeraldStack, 'workerMetrics'> {
  /** Spawns a worker process on the stack's task queue; resolves once it polls. */
  startWorker(): Promise<ManagedProcess>;
}

export async function startHeraldWithWorkerProcesses(): Promise<ProcessWorkerStack> {
  if (process.env.HERALD_TEST_SERVICES !== '1') throw new Error('integration tests need the services project globalSetup');
  const config = testConfig();
  const temporal = await connectTemporal(config);
  const { mongo, store, app, baseUrl, herald } = await serveApi(config, temporal);
  const workers: ManagedProcess[] = [];

  const workerEnv: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: config.temporalAddress,
    TEMPORAL_NAMESPACE: config.temporalNamespace,
    TEMPORAL_TASK_QUEUE: config.taskQueue,
    MONGODB_URL: config.mongodbUrl,
    HERALD_ENCRYPTION_KEY: process.env.HERALD_ENCRYPTION_KEY || TEST_ENCRYPTION_KEY, // the API's (testConfig's)
    HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
    // Several workers may live at once (a killed one's port is not ours to wait for).
    HERALD_WORKER_METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
  };

  return {
    config,
    app,
    baseUrl,
    herald,
    store,
    temporal,
    async startWorker() {
      let polling = false;
      const worker = startHeraldProcess('worker', 'src/main/worker.ts', {
        root: ROOT,
        env: workerEnv,
        log: (line) => {
          if (line.includes(`polling task queue ${config.taskQueue}`)) polling = true;
          if (process.env.HERALD_TEST_LOGS === '1') process.stderr.write(`[worker ${worker.pid}] ${line}\n`);
        },
      });
      workers.push(worker);
      await waitUntilReady(
        worker,
        'polling',
        async () => {
          if (!polling) throw new Error('no "polling task queue" line yet');
        },
        WORKER_READY_TIMEOUT_MS,
      );
      return worker;
    },
    async stop() {
      await app.close();
      await Promise.all(workers.map((worker) => worker.stop()));
      await temporal.close();
      await mongo.close();
    },
  };
}
