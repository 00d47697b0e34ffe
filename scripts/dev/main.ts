// `npm run dev`: all of Herald on one machine — the Temporal dev server (Web UI included) and
// FerretDB on PostgreSQL from .tools/, then the API (which runs a worker) as a child process, and
// separate workers if HERALD_DEV_WORKERS asks for them, with prefixed logs.
// Data lives under HERALD_DATA_DIR (.data/), so a restart finds its deliveries again.
// Ctrl-C stops the API and worker first, then the servers, and exits 0. A runner killed with
// SIGKILL leaves them running: the next one finds them in .data/dev-processes.json and stops them.
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ConfigError, loadConfig } from '../../src/config';
import { devWorkers, engineRetentionHours, readDevOptions } from './options';
import { PidFile, stopRecorded } from './pidFile';
import { DEV_KEY_FILE, devEncryptionKey } from './encryptionKey';
import {
  assertToolsInstalled,
  isPortFree,
  liveProcesses,
  ManagedProcess,
  repoRoot,
  setNamespaceRetention,
  startFerretDB,
  startHeraldProcess,
  startTemporalDevServer,
  waitUntilReady,
  type LineLogger,
} from './services';

const DEFAULT_ADMIN_KEY = 'herald-dev-admin-key';

// ---------------------------------------------------------------- logs

const COLOURS: Record<string, number> = { dev: 1, temporal: 35, ferretdb: 32, postgres: 34, worker: 36, api: 33 };
const useColour = process.stdout.isTTY && !process.env.NO_COLOR;

function prefixed(name: string): LineLogger {
  const label = `[${name}]`.padEnd(10);
  const tag = useColour ? `\x1b[${COLOURS[name] ?? 0}m${label}\x1b[0m` : label;
  return (line) => process.stdout.write(`${tag} ${line}\n`);
}

const say = prefixed('dev');

// ---------------------------------------------------------------- processes

const children: ManagedProcess[] = []; // worker and API
let shuttingDown = false;
let pidFile: PidFile | undefined;

/** Records this runner and every process it has started, for a runner after a SIGKILL of this one. */
function recordProcesses(): void {
  pidFile?.write([{ name: 'dev', pid: process.pid }, ...liveProcesses().map((proc) => ({ name: proc.name, pid: proc.pid }))]);
}

/**
 * Servers left running by an earlier runner that was killed (its pid file says which) are
 * stopped; a runner still alive, or a pid that cannot be checked, stops this one with the pids to stop.
 */
async function reclaim(file: PidFile): Promise<void> {
  const { ours, unsure } = file.leftovers();
  const runner = ours.find((entry) => entry.name === 'dev');
  if (runner)
    throw new Error(
      `Another \`npm run dev\` (pid ${runner.pid}) is running with this data directory. Stop it first (Ctrl-C in its terminal, or kill ${runner.pid}).`,
    );
  if (unsure.length > 0) {
    const list = unsure.map((entry) => `${entry.name} (pid ${entry.pid})`).join(', ');
    throw new Error(
      `An earlier \`npm run dev\` may have left processes running: ${list}. Stop them (kill ${unsure.map((entry) => entry.pid).join(' ')}) and start again.`,
    );
  }
  if (ours.length === 0) return;
  say(`stopping what an earlier, killed run left behind: ${ours.map((entry) => `${entry.name} (pid ${entry.pid})`).join(', ')}`);
  await stopRecorded(ours);
  file.clear();
}

/** API and worker first (they drain against live servers), then Temporal and FerretDB. */
async function shutdown(exitCode: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    if (liveProcesses().length > 0) {
      say('stopping...');
      await Promise.all(children.map((proc) => proc.stop()));
      await Promise.all(liveProcesses().map((proc) => proc.stop())); // the servers, even mid-start
      say(exitCode === 0 ? 'stopped' : 'stopped after a failure');
    }
    pidFile?.clear();
  }
  process.exit(exitCode);
}

/** Any process ending on its own takes the whole stack down with exit code 1. */
function watch(proc: ManagedProcess): ManagedProcess {
  void proc.exited.then(() => {
    if (shuttingDown) return;
    say(`${proc.describeExit()} unexpectedly; last output:\n${proc.recentOutput(15)}`);
    void shutdown(1);
  });
  return proc;
}

function startNodeChild(name: 'worker' | 'api', entry: string, root: string, env: NodeJS.ProcessEnv): ManagedProcess {
  const proc = startHeraldProcess(name, entry, { root, env, log: prefixed(name) });
  children.push(proc);
  return watch(proc);
}

async function workerPolling(address: string, namespace: string, taskQueue: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue } });
    if (!pollers?.length) throw new Error(`no poller on task queue ${taskQueue} yet`);
  } finally {
    await connection.close();
  }
}

async function apiHealthy(url: string): Promise<void> {
  const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
  if (response.status !== 200) throw new Error(`GET /healthz answered ${response.status}`);
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const root = repoRoot();
  const options = readDevOptions(process.env, root);
  const adminKeyFromEnv = Boolean(process.env.HERALD_ADMIN_KEY);
  const encryptionKeyFromEnv = Boolean(process.env.HERALD_ENCRYPTION_KEY);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: `127.0.0.1:${options.ports.TEMPORAL_PORT}`,
    TEMPORAL_NAMESPACE: 'default', // the only namespace the dev server creates
    MONGODB_URL: `mongodb://127.0.0.1:${options.ports.FERRETDB_PORT}/herald`,
    PORT: String(options.ports.PORT),
    HERALD_ALLOW_PRIVATE_NETWORKS: process.env.HERALD_ALLOW_PRIVATE_NETWORKS || 'true', // local test receivers
    HERALD_ADMIN_KEY: process.env.HERALD_ADMIN_KEY || DEFAULT_ADMIN_KEY,
    HERALD_ENCRYPTION_KEY: process.env.HERALD_ENCRYPTION_KEY || devEncryptionKey(options.dataDir),
    // Activation links in notifications point at the API on this machine.
    HERALD_PUBLIC_URL: process.env.HERALD_PUBLIC_URL || `http://127.0.0.1:${options.ports.PORT}`,
  };
  const config = loadConfig(env); // the children's own validation, before anything starts
  const workerCount = devWorkers(process.env, config.apiRunsWorker);
  const retentionHours = engineRetentionHours(process.env);
  assertToolsInstalled(['temporal', 'ferretdb', 'postgres']);
  const file = new PidFile(path.join(options.dataDir, 'dev-processes.json'));
  await reclaim(file);
  pidFile = file;
  for (const [name, value] of Object.entries(options.ports)) {
    if (!(await isPortFree(value))) {
      throw new Error(`Port ${value} (${name}) is already in use. Is another \`npm run dev\` running? Set ${name} to use another port.`);
    }
  }

  say(`data in ${options.dataDir}`);
  const [temporal, ferretdb] = await Promise.allSettled([
    startTemporalDevServer({
      dataDir: path.join(options.dataDir, 'temporal'),
      port: options.ports.TEMPORAL_PORT,
      uiPort: options.ports.TEMPORAL_UI_PORT,
      log: prefixed('temporal'),
      detached: true,
    }),
    startFerretDB({
      dataDir: path.join(options.dataDir, 'ferretdb'),
      port: options.ports.FERRETDB_PORT,
      log: prefixed('ferretdb'),
      postgresLog: prefixed('postgres'),
      detached: true,
    }),
  ]);
  recordProcesses();
  if (temporal.status === 'fulfilled') watch(temporal.value.process);
  if (ferretdb.status === 'fulfilled') [ferretdb.value.process, ferretdb.value.postgres.process].forEach(watch);
  if (temporal.status === 'rejected') throw temporal.reason;
  if (ferretdb.status === 'rejected') throw ferretdb.reason;
  say(`Temporal ready on ${temporal.value.address}, FerretDB ready on ${ferretdb.value.url}`);
  await setNamespaceRetention(temporal.value.address, config.temporalNamespace, retentionHours);

  const apiUrl = `http://127.0.0.1:${options.ports.PORT}`;
  // The API runs a worker of its own (eager starts); separate workers only when asked, or when it does not.
  const workers = Array.from({ length: workerCount }, () => startNodeChild('worker', 'src/main/worker.ts', root, env));
  const api = startNodeChild('api', 'src/main/api.ts', root, env);
  recordProcesses();
  await Promise.all([
    ...workers.map((worker) =>
      waitUntilReady(
        worker,
        `poller on task queue ${config.taskQueue}`,
        () => workerPolling(config.temporalAddress, config.temporalNamespace, config.taskQueue),
        120_000,
      ),
    ),
    waitUntilReady(api, `200 from ${apiUrl}/healthz`, () => apiHealthy(apiUrl), 120_000),
  ]);

  say('Herald is running');
  say(`  API          ${apiUrl}`);
  say(`  API docs     ${apiUrl}/docs`);
  say(`  console      ${apiUrl}/console/  (sign in with the admin key below, or a workspace key)`);
  say(`  Temporal UI  ${temporal.value.uiUrl}  (shows closed workflows for ${retentionHours} h: HERALD_TEMPORAL_RETENTION_HOURS)`);
  say(
    `  workers      ${config.apiRunsWorker ? 'in the API process' : 'none in the API (HERALD_API_WORKER=false)'}${workerCount > 0 ? `, ${workerCount} worker process${workerCount > 1 ? 'es' : ''}` : ''}`,
  );
  say(`  admin key    ${adminKeyFromEnv ? '(from HERALD_ADMIN_KEY)' : `${DEFAULT_ADMIN_KEY}  (set HERALD_ADMIN_KEY to change it)`}`);
  say(`  Temporal     ${config.temporalAddress}    MongoDB ${config.mongodbUrl}`);
  say(
    `  secrets key  ${encryptionKeyFromEnv ? '(from HERALD_ENCRYPTION_KEY)' : `${path.join(options.dataDir, DEV_KEY_FILE)}  (set HERALD_ENCRYPTION_KEY to change it)`}`,
  );
  say('Press Ctrl-C to stop.');
}

// One Ctrl-C arrives several times (from the terminal and relayed by npm/tsx), so only a signal
// more than 2 s after the first means "stop waiting": then everything is killed at once.
let firstSignalAt: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (firstSignalAt === undefined) {
      firstSignalAt = Date.now();
      void shutdown(0);
    } else if (Date.now() - firstSignalAt > 2_000) {
      say(`${signal} again: killing everything now`);
      for (const proc of liveProcesses()) proc.kill();
      pidFile?.clear();
      process.exit(1);
    }
  });
}

main().catch((error: unknown) => {
  if (shuttingDown) return; // a child's exit already started the shutdown
  say(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error));
  void shutdown(1);
});
