// The system under test. Either the embedded stack — Temporal dev server, FerretDB (and its
// PostgreSQL), the Herald worker and API as child processes — in a fresh temporary directory on
// free ports, or an already running API given by URL (then without process handles).
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

async function workerPolls(address: string, taskQueue: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue } });
    if (!pollers?.length) throw new Error(`no poller on ${taskQueue} yet`);
  } finally {
    await connection.close();
  }
}

async function apiReady(apiUrl: string): Promise<void> {
  const response = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(3_000) });
  await response.body?.cancel();
  if (response.status !== 200) throw new Error(`GET /readyz answered ${response.status}`);
}

/**
 * `register` gets the stop and kill functions at once, before anything starts, so an interrupt
 * during start-up also stops what has started and removes the directory.
 */
export async function startEmbeddedStack(
  root: string,
  say: Say,
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
    const [temporal, ferret] = await Promise.allSettled([
      startTemporalDevServer({ dataDir: path.join(dataDir, 'temporal'), log: logTo('temporal'), detached: true }),
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
    say(`Temporal on ${temporal.value.address}, FerretDB on ${ferret.value.url}`);

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
    const child = (name: 'worker' | 'api', entry: string) => {
      const proc = startHeraldProcess(name, entry, { root, env, log: logTo(name) });
      stoppers.push(() => proc.stop());
      processes.push(proc);
      return proc;
    };
    const worker = child('worker', 'src/main/worker.ts');
    const api = child('api', 'src/main/api.ts');
    const apiUrl = `http://127.0.0.1:${port}`;
    await Promise.all([
      waitUntilReady(worker, `poller on ${config.taskQueue}`, () => workerPolls(config.temporalAddress, config.taskQueue), 120_000),
      waitUntilReady(api, `200 from ${apiUrl}/readyz`, () => apiReady(apiUrl), 120_000),
    ]);
    say(`worker pid ${worker.pid}, API pid ${api.pid} on ${apiUrl}`);

    const postgres = ferret.status === 'fulfilled' ? ferret.value.postgres.process : undefined;
    return {
      apiUrl,
      adminKey,
      temporalAddress: config.temporalAddress,
      mongodbUrl: config.mongodbUrl,
      taskQueue: config.taskQueue,
      embedded: true,
      roles: () => [
        { role: 'temporal', pid: temporal.value.process.pid },
        { role: 'ferretdb', pid: ferret.value.process.pid },
        postgres ? { role: 'postgres', pid: postgres.pid } : { role: 'postgres', comm: 'postgres' },
        { role: 'worker', pid: worker.pid },
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
    embedded: false,
    roles: () => [{ role: 'bench', pid: process.pid, tree: false }],
    assertAlive: () => undefined,
    stop: async () => undefined,
    kill: () => undefined,
  };
}
