// The system under test. Either the embedded stack — Temporal dev server, FerretDB (and its
// PostgreSQL), the Herald API (which runs a worker of its own unless HERALD_API_WORKER=false) and
// any separate worker processes, as child processes — in a fresh temporary directory on free
// ports, or an already running API given by URL (then without process handles).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../src/config';
import { generateKeySpec } from '../src/security/keyring';
import {
  freePort,
  liveProcesses,
  startFerretDB,
  startHeraldProcess,
  startTemporalDevServer,
  waitUntilReady,
  type ManagedProcess,
} from '../scripts/dev/services';
import type { RoleRoot } from './memory';

export interface Stack {
  apiUrl: string;
  adminKey: string;
  temporalAddress: string | undefined;
  /** With the database name, as MONGODB_URL takes it. */
  mongodbUrl: string | undefined;
  taskQueue: string;
  /** The dev server's Prometheus endpoint; only for the embedded stack. */
  temporalMetricsUrl: string | undefined;
  /** The dev server's SQLite file (temporal.db); only for the embedded stack. */
  temporalDbPath: string | undefined;
  /** Separate worker processes beside the API. */
  workers: number;
  /** Whether the API process runs a worker (HERALD_API_WORKER); unknown for --existing. */
  apiRunsWorker: boolean | undefined;
  /** Whether worker and API are ours (memory can be measured, the process tree is known). */
  embedded: boolean;
  roles(): RoleRoot[];
  // Function properties, not methods: the stack is built from closures, passed around unbound.
  /** Throws if a process of the stack has exited on its own. */
  assertAlive: () => void;
  /** Orderly: API and worker first, then the servers; then the temporary directory goes. */
  stop: () => Promise<void>;
  /** Last resort (a second Ctrl-C): SIGKILL everything now and remove the directory. */
  kill: () => void;
}

export type Say = (line: string) => void;

/** Every line the stack's processes print, kept for the run's .log file. */
export const stackLog: string[] = [];
const MAX_LOG_LINES = 5000;

function logTo(name: string) {
  return (line: string) => {
    if (stackLog.length < MAX_LOG_LINES) stackLog.push(`[${name}] ${line}`);
  };
}

/** Throws until `expected` workers (distinct poller identities: one per process) poll the task queue. */
async function workersPoll(address: string, taskQueue: string, expected: number): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue } });
    const identities = new Set((pollers ?? []).map((poller) => poller.identity));
    if (identities.size < expected) throw new Error(`${identities.size} of ${expected} workers poll ${taskQueue} yet`);
  } finally {
    await connection.close();
  }
}

async function apiReady(apiUrl: string): Promise<void> {
  const response = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(3_000) });
  await response.body?.cancel();
  if (response.status !== 200) throw new Error(`GET /readyz answered ${response.status}`);
}

export interface EmbeddedStackOptions {
  /** Separate worker processes beside the API (which runs a worker of its own unless HERALD_API_WORKER=false). */
  workers: number;
  /** Appended to the dev server's command line after Herald's own settings. */
  temporalArgs: string[];
}

/**
 * `register` gets the stop and kill functions at once, before anything starts, so an interrupt
 * during start-up also stops what has started and removes the directory.
 */
export async function startEmbeddedStack(
  root: string,
  say: Say,
  options: EmbeddedStackOptions,
  register: (stop: () => Promise<void>, kill: () => void) => void = () => undefined,
): Promise<Stack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'herald-bench-'));
  const processes: ManagedProcess[] = []; // stop order: last started first
  const stoppers: Array<() => Promise<void>> = [];
  let stopping = false;
  let stopped: Promise<void> | undefined;

  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      for (const stopOne of [...stoppers].reverse()) await stopOne().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const kill = (): void => {
    for (const proc of liveProcesses()) proc.kill();
    rmSync(dataDir, { recursive: true, force: true });
  };

  register(stop, kill);
  try {
    say(`data in ${dataDir}`);
    const temporalDir = path.join(dataDir, 'temporal');
    const metricsPort = await freePort();
    const [temporal, ferret] = await Promise.allSettled([
      startTemporalDevServer({ dataDir: temporalDir, metricsPort, extraArgs: options.temporalArgs, log: logTo('temporal'), detached: true }),
      startFerretDB({ dataDir: path.join(dataDir, 'ferretdb'), log: logTo('ferretdb'), detached: true }),
    ]);
    if (temporal.status === 'fulfilled') {
      stoppers.push(() => temporal.value.stop());
      processes.push(temporal.value.process);
    }
    if (ferret.status === 'fulfilled') {
      stoppers.push(() => ferret.value.stop());
      processes.push(ferret.value.process);
      processes.push(ferret.value.postgres.process);
    }
    if (temporal.status === 'rejected') throw temporal.reason;
    if (ferret.status === 'rejected') throw ferret.reason;
    say(
      `Temporal on ${temporal.value.address} (metrics ${temporal.value.metricsUrl}${options.temporalArgs.length > 0 ? `, extra arguments: ${options.temporalArgs.join(' ')}` : ''}), FerretDB on ${ferret.value.url}`,
    );

    const adminKey = `bench-admin-${randomBytes(12).toString('hex')}`;
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: temporal.value.address,
      TEMPORAL_NAMESPACE: 'default',
      MONGODB_URL: `${ferret.value.url}/herald`,
      PORT: String(port),
      HOST: '127.0.0.1',
      HERALD_ADMIN_KEY: adminKey,
      HERALD_ENCRYPTION_KEY: generateKeySpec('bench'), // a fresh database each run: a fresh key
      HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
      HERALD_WORKER_METRICS_PORT: '0',
      HERALD_RATE_LIMIT_PER_MINUTE: '10000000',
      HERALD_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '10000000', // every client here is 127.0.0.1
      LOG_LEVEL: 'warn',
    };
    const config = loadConfig(env);
    if (!config.apiRunsWorker && options.workers === 0) throw new Error('HERALD_API_WORKER=false and --workers 0: no process would run a worker');
    const child = (name: 'worker' | 'api', entry: string, logName: string = name) => {
      const proc = startHeraldProcess(name, entry, { root, env, log: logTo(logName) });
      stoppers.push(() => proc.stop());
      processes.push(proc);
      return proc;
    };
    const workers = Array.from({ length: options.workers }, (_, i) =>
      child('worker', 'src/main/worker.ts', options.workers === 1 ? 'worker' : `worker-${i + 1}`),
    );
    const api = child('api', 'src/main/api.ts');
    const apiUrl = `http://127.0.0.1:${port}`;
    const pollers = options.workers + (config.apiRunsWorker ? 1 : 0);
    // Every worker, the API's included, polls before the first phase. The probe is the same for
    // each process that runs one; each wait also ends at once if its own process exits.
    const polling = () => workersPoll(config.temporalAddress, config.taskQueue, pollers);
    await Promise.all([
      ...[...workers, ...(config.apiRunsWorker ? [api] : [])].map((proc) =>
        waitUntilReady(proc, `${pollers} workers polling ${config.taskQueue}`, polling, 120_000),
      ),
      waitUntilReady(api, `200 from ${apiUrl}/readyz`, () => apiReady(apiUrl), 120_000),
    ]);
    say(
      `API pid ${api.pid} on ${apiUrl}${config.apiRunsWorker ? ' (with a worker)' : ' (without a worker)'}` +
        (workers.length > 0 ? `; worker pids ${workers.map((w) => w.pid).join(', ')}` : ''),
    );

    const postgres = ferret.status === 'fulfilled' ? ferret.value.postgres.process : undefined;
    return {
      apiUrl,
      adminKey,
      temporalAddress: config.temporalAddress,
      mongodbUrl: config.mongodbUrl,
      taskQueue: config.taskQueue,
      temporalMetricsUrl: temporal.value.metricsUrl,
      temporalDbPath: path.join(temporalDir, 'temporal.db'),
      workers: options.workers,
      apiRunsWorker: config.apiRunsWorker,
      embedded: true,
      // Separate workers are summed under one role, `worker`; with none there is no worker role
      // (the API's own worker is part of the API process, so of its role).
      roles: () => [
        { role: 'temporal', pid: temporal.value.process.pid },
        { role: 'ferretdb', pid: ferret.value.process.pid },
        postgres ? { role: 'postgres', pid: postgres.pid } : { role: 'postgres', comm: 'postgres' },
        ...workers.map((worker) => ({ role: 'worker', pid: worker.pid })),
        { role: 'api', pid: api.pid },
        { role: 'bench', pid: process.pid, tree: false },
      ],
      assertAlive: () => {
        if (stopping) return;
        const gone = processes.find((proc) => proc.hasExited);
        if (gone) throw new Error(`${gone.describeExit()} during the benchmark; last output:\n${gone.recentOutput(20)}`);
      },
      stop,
      kill,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function existingStack(options: {
  apiUrl: string;
  adminKey: string | undefined;
  temporalAddress: string | undefined;
  mongodbUrl: string | undefined;
}): Promise<Stack> {
  try {
    await apiReady(options.apiUrl);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(`--existing ${options.apiUrl}: no ready Herald API there (${cause ?? (error as Error).message})`);
  }
  return {
    apiUrl: options.apiUrl,
    adminKey: options.adminKey ?? process.env.HERALD_ADMIN_KEY ?? 'herald-dev-admin-key',
    temporalAddress: options.temporalAddress,
    mongodbUrl: options.mongodbUrl,
    taskQueue: process.env.TEMPORAL_TASK_QUEUE || 'herald-deliveries',
    temporalMetricsUrl: undefined,
    temporalDbPath: undefined,
    workers: 0,
    apiRunsWorker: undefined,
    embedded: false,
    roles: () => [{ role: 'bench', pid: process.pid, tree: false }],
    assertAlive: () => undefined,
    stop: async () => undefined,
    kill: () => undefined,
  };
}
