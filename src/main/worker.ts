// The worker process: runs delivery workflows and their activities. Scale it out horizontally.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { ConfigError, loadConfig, requireKeyring, type Config } from '../config';
import { SecretBox } from '../security/secretBox';
import { closeSharedDispatchers, type ResolveHost } from '../outbound';
import { createWorkerMetrics, serveMetrics, type WorkerMetrics } from '../metrics';
import { createStore } from '../store';
import { workflowSource } from '../temporal/workflowSource';
import { connectMongo, ensureIndexes } from '../store/mongo';
import { temporalConnectionOptions } from '../temporal/connection';
import { ensureSchedules } from '../temporal/schedules';

/** `resolveHost`: how webhook host names resolve; tests inject their own answers. */
export async function createWorker(config: Config, metrics: WorkerMetrics = createWorkerMetrics(), resolveHost?: ResolveHost) {
  const box = new SecretBox(requireKeyring(config)); // before any connection: a missing key stops the start
  const mongo = await connectMongo(config.mongodbUrl);
  await ensureIndexes(mongo.db);
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
    activities: createActivities({
      store: createStore(mongo.db, box),
      allowPrivateNetworks: config.allowPrivateNetworks,
      allowedTargets: config.allowedTargets,
      ...(resolveHost ? { resolveHost } : {}),
      maxInFlightPerWebhook: config.maxInFlightPerWebhook,
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
    await mongo.close();
  };
  return { worker, metrics, close };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const { worker, metrics, close } = await createWorker(config);
  const metricsServer = config.workerMetricsPort ? await serveMetrics(metrics.registry, config.workerMetricsPort, config.host) : undefined;
  console.log(`worker polling task queue ${config.taskQueue} on ${config.temporalAddress}`);
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
