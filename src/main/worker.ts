// The worker process: runs delivery workflows and their activities. Scale it out horizontally.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { ConfigError, loadConfig, requireKeyring, type Config } from '../config';
import { SecretBox } from '../security/secretBox';
import { ActivationTokens } from '../security/activationTokens';
import { closeSharedDispatchers, type ResolveHost } from '../outbound';
import { createWorkerMetrics, serveMetrics, type WorkerMetrics } from '../metrics';
import { createStore } from '../store';
import { workflowSource } from '../temporal/workflowSource';
import { connectMongo, ensureIndexes, type Mongo } from '../store/mongo';
import { temporalConnectionOptions } from '../temporal/connection';
import { ensureSchedules } from '../temporal/schedules';

export interface WorkerOptions {
  metrics?: WorkerMetrics;
  /** How webhook host names resolve; tests inject their own answers. */
  resolveHost?: ResolveHost;
  /** A MongoDB connection the process has already (the API's, for a worker inside it); closed by its owner. */
  mongo?: Mongo;
}

export interface HeraldWorker {
  worker: Worker;
  /** The worker's connection to Temporal: a client built on it can start workflows eagerly. */
  connection: NativeConnection;
  metrics: WorkerMetrics;
  /** After the worker has stopped: its connection, outgoing HTTP pools and its own MongoDB connection. */
  close: () => Promise<void>;
}

export async function createWorker(config: Config, options: WorkerOptions = {}): Promise<HeraldWorker> {
  const keyring = requireKeyring(config); // before any connection: a missing key stops the start
  const box = new SecretBox(keyring);
  const metrics = options.metrics ?? createWorkerMetrics();
  const ownMongo = options.mongo === undefined;
  const mongo = options.mongo ?? (await connectMongo(config.mongodbUrl));
  if (ownMongo) await ensureIndexes(mongo.db);
  const connectionOptions = temporalConnectionOptions(config);
  const connection = await NativeConnection.connect(connectionOptions);
  // The reconciler and retention Schedules exist as long as any worker has started once.
  const scheduling = await Connection.connect(connectionOptions);
  try {
    await ensureSchedules(new Client({ connection: scheduling, namespace: config.temporalNamespace }), config);
  } finally {
    await scheduling.close();
  }
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    ...workflowSource(),
    maxCachedWorkflows: config.workerCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: config.workerWorkflowTaskSlots,
    activities: createActivities({
      store: createStore(mongo.db, box),
      allowPrivateNetworks: config.allowPrivateNetworks,
      allowedTargets: config.allowedTargets,
      ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
      maxInFlightPerWebhook: config.maxInFlightPerWebhook,
      ...(config.publicUrl ? { activationLinks: { publicUrl: config.publicUrl, tokens: new ActivationTokens(keyring) } } : {}),
      onAttempt: (attempt, succeeded) => {
        metrics.attempts.inc({ outcome: succeeded ? 'succeeded' : (attempt.error?.kind ?? 'failed') });
        metrics.attemptDuration.observe(attempt.durationMs / 1000);
      },
      onDeliveryEnded: (status) => metrics.deliveriesEnded.inc({ status }),
    }),
  });
  const close = async () => {
    await connection.close();
    await closeSharedDispatchers();
    if (ownMongo) await mongo.close();
  };
  return { worker, connection, metrics, close };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const { worker, metrics, close } = await createWorker(config);
  const metricsServer = config.workerMetricsPort ? await serveMetrics(metrics.registry, config.workerMetricsPort, config.host) : undefined;
  console.log(`worker polling task queue ${config.taskQueue} on ${config.temporalAddress}`);
  // The worker writes the notifications: without the variable here, they carry no activation link.
  if (!config.publicUrl) console.warn('HERALD_PUBLIC_URL is not set: activation links are off; webhook.deactivated notifications carry activationPath only');
  if (metricsServer) console.log(`worker metrics on http://${config.host}:${config.workerMetricsPort}/metrics`);
  await worker.run(); // returns after SIGINT/SIGTERM, which the SDK handles by shutting down
  metricsServer?.close();
  await close();
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
