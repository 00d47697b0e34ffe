// The embedded default servers — the Temporal CLI dev server, and FerretDB on an embedded
// PostgreSQL, installed into .tools/ by scripts/bootstrap.sh — run as child processes on free ports.
// Shared by `npm run dev` (scripts/dev/main.ts) and the jest global setup (test/support/), so no jest here.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { MongoClient } from 'mongodb';
import { HERALD_SEARCH_ATTRIBUTES } from '../../workflows/contracts/searchAttributes';

export {
  freePort,
  isPortFree,
  liveProcesses,
  ManagedProcess,
  startHeraldProcess,
  waitUntilReady,
  type ExitInfo,
  type LineLogger,
  type ProcessOptions,
} from './processes';
import { freePort, ManagedProcess, startReady, type LineLogger } from './processes';
import { postgresBinDir, startPostgres, type PostgresServer } from './postgres';

// ---------------------------------------------------------------- binaries

/** The repository root: the nearest ancestor holding scripts/bootstrap.sh (works from src/ and dist/src/). */
export function repoRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'scripts', 'bootstrap.sh'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No Herald repository root (scripts/bootstrap.sh) above ${from}`);
  }
}

export interface ToolPaths {
  temporal: string;
  temporalTestServer: string;
  ferretdb: string;
  /** PostgreSQL's server binary; initdb and pg_isready sit beside it. */
  postgres: string;
}

export function toolPaths(root: string = repoRoot()): ToolPaths {
  return {
    temporal: path.join(root, '.tools', 'venv', 'bin', 'temporal'),
    temporalTestServer: path.join(root, '.tools', 'venv', 'bin', 'temporal-test-server'),
    ferretdb: path.join(root, '.tools', 'bin', 'ferretdb'),
    postgres: path.join(postgresBinDir(root), 'postgres'),
  };
}

/** Throws, naming the missing files and the fix, unless the given tools are installed. */
export function assertToolsInstalled(which: (keyof ToolPaths)[] = ['temporal', 'temporalTestServer', 'ferretdb', 'postgres']): void {
  const tools = toolPaths();
  const missing = which.map((name) => tools[name]).filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`Missing ${missing.join(', ')}.\nRun \`bash scripts/bootstrap.sh\` (or \`npm run bootstrap\`) first.`);
  }
}

/** Another process may grab a port between freePort() and the child's bind: then try a new one. */
async function onFreePorts<T>(fixed: boolean, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (fixed || tries >= 3 || !/address already in use/i.test(String(error))) throw error;
    }
  }
}

/** The env a server child gets: ours, minus variables that would reconfigure it behind our flags. */
function serverEnv(prefix: string): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith(prefix)));
}

// ---------------------------------------------------------------- Temporal dev server

export interface TemporalDevServerOptions {
  /** Directory for temporal.db; created if missing, reused if present. */
  dataDir: string;
  /** gRPC port; a free one by default. */
  port?: number;
  /** Web UI port; without it the server runs headless. */
  uiPort?: number;
  /** Port of the server's Prometheus endpoint (`--metrics-port`); without it the CLI picks one and does not say where. */
  metricsPort?: number;
  /**
   * Appended verbatim after every setting of ours, to measure a setting on and off. For
   * `--dynamic-config-value` and `--sqlite-pragma` the CLI keeps the last value given for a key,
   * so a later one overrides ours.
   */
  extraArgs?: string[];
  log?: LineLogger;
  detached?: boolean;
  readyTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** host:port, the form TEMPORAL_ADDRESS takes. */
  address: string;
  port: number;
  uiUrl: string | undefined;
  /** http://127.0.0.1:PORT/metrics when `metricsPort` was given. */
  metricsUrl: string | undefined;
  process: ManagedProcess;
  stop(): Promise<void>;
}

const CLI_SEARCH_ATTRIBUTE_TYPES: Record<string, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  assertToolsInstalled(['temporal']);
  mkdirSync(options.dataDir, { recursive: true });
  return onFreePorts(options.port !== undefined, async () => {
    const port = options.port ?? (await freePort());
    const address = `127.0.0.1:${port}`;
    const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port)];
    args.push(...(options.uiPort !== undefined ? ['--ui-port', String(options.uiPort)] : ['--headless']));
    if (options.metricsPort !== undefined) args.push('--metrics-port', String(options.metricsPort));
    args.push('--db-filename', path.join(options.dataDir, 'temporal.db'), ...temporalTuning());
    args.push('--namespace', 'default', '--log-level', 'warn');
    for (const key of HERALD_SEARCH_ATTRIBUTES) {
      args.push('--search-attribute', `${key.name}=${CLI_SEARCH_ATTRIBUTE_TYPES[key.type] ?? key.type}`);
    }
    args.push(...(options.extraArgs ?? []));
    const proc = await startReady(
      { name: 'temporal', command: toolPaths().temporal, args, env: serverEnv('TEMPORAL_'), log: options.log, detached: options.detached },
      'Temporal frontend with namespace "default" and the Herald search attributes',
      () => probeTemporal(address),
      options.readyTimeoutMs ?? 60_000,
    );
    const uiUrl = options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined;
    const metricsUrl = options.metricsPort !== undefined ? `http://127.0.0.1:${options.metricsPort}/metrics` : undefined;
    return { address, port, uiUrl, metricsUrl, process: proc, stop: () => proc.stop() };
  });
}

/**
 * SQLite in WAL mode; one task-queue partition, which on a single-process server cuts the
 * p99 of a workflow's tasks about threefold at no durability cost (bench/README.md).
 * A 64 MiB page cache (SQLite's default is 2 MiB) keeps the executions, history and visibility
 * indexes that every start and close touches in memory: +11 % engine ceiling, +8 % Herald
 * deliveries/s on 2 cores (bench/README.md), no durability cost, up to 64 MiB more memory.
 * The CLI forces a search-attribute cache refresh on every read (so attributes created while it
 * runs are seen at once); Herald registers its attributes before the server starts, and the
 * refresh costs SQLite reads on the one connection for every start, task and visibility write.
 * `synchronous` stays FULL: NORMAL runs about a third faster and survives a crash of the server
 * process, but its last commits can roll back on an OS crash or power loss, losing workflows of
 * events already answered 202. HERALD_TEMPORAL_SQLITE_SYNC=normal opts in, knowingly.
 */
function temporalTuning(): string[] {
  const sync = process.env.HERALD_TEMPORAL_SQLITE_SYNC === 'normal' ? 'NORMAL' : 'FULL';
  return [
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    `synchronous=${sync}`,
    '--sqlite-pragma',
    'cache_size=-65536',
    '--dynamic-config-value',
    'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value',
    'matching.numTaskqueueWritePartitions=1',
    '--dynamic-config-value',
    'system.forceSearchAttributesCacheRefreshOnRead=false',
  ];
}

/**
 * How long the engine keeps a closed workflow (and so how long the Web UI shows a finished event or
 * delivery): the namespace's retention. Herald's own records are the long-term delivery log, so this
 * is the operator's choice of Web UI history against disk (docs/scaling.md has the bytes per event).
 * The dev server creates `default` with 24 hours; this sets it, on every start.
 */
export async function setNamespaceRetention(address: string, namespace: string, hours: number): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    await connection.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: msToTs(`${hours}h`) } });
  } finally {
    await connection.close();
  }
}

async function probeTemporal(address: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    await connection.workflowService.describeNamespace({ namespace: 'default' });
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    const missing = HERALD_SEARCH_ATTRIBUTES.map((key) => key.name).filter((name) => !customAttributes?.[name]);
    if (missing.length > 0) throw new Error(`search attributes not registered yet: ${missing.join(', ')}`);
  } finally {
    await connection.close();
  }
}

// ---------------------------------------------------------------- FerretDB

export interface FerretDBOptions {
  /** Directory for FerretDB's state and its PostgreSQL cluster (postgres/); created if missing, reused if present. */
  dataDir: string;
  /** Wire-protocol port; a free one by default. */
  port?: number;
  log?: LineLogger;
  /** PostgreSQL's lines; `log` when not given. */
  postgresLog?: LineLogger;
  detached?: boolean;
  readyTimeoutMs?: number;
}

export interface FerretDBServer {
  /** mongodb://127.0.0.1:PORT — append a database name for MONGODB_URL. */
  url: string;
  port: number;
  /** FerretDB itself. */
  process: ManagedProcess;
  /** Its backend; stopped after FerretDB. */
  postgres: PostgresServer;
  stop(): Promise<void>;
}

/**
 * FerretDB on PostgreSQL: measured against the SQLite backend it answers without lock errors
 * under concurrent writes, and — with scripts/ferretdb-id-index.patch — finds a document by _id
 * through an index, so a lookup costs the same at 1 000 documents as at 100 000.
 */
export async function startFerretDB(options: FerretDBOptions): Promise<FerretDBServer> {
  assertToolsInstalled(['ferretdb', 'postgres']);
  mkdirSync(options.dataDir, { recursive: true });
  const postgres = await startPostgres(path.dirname(toolPaths().postgres), {
    dataDir: path.join(options.dataDir, 'postgres'),
    log: options.postgresLog ?? options.log,
    detached: options.detached,
  });
  try {
    const ferret = await startFerretDBOn(postgres, options);
    return {
      ...ferret,
      postgres,
      stop: async () => {
        await ferret.stop();
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}

async function startFerretDBOn(postgres: PostgresServer, options: FerretDBOptions) {
  return onFreePorts(options.port !== undefined, async () => {
    const port = options.port ?? (await freePort());
    const url = `mongodb://127.0.0.1:${port}`;
    const args = [
      '--handler=postgresql',
      `--postgresql-url=${postgres.url}`,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${options.dataDir}`,
      '--debug-addr=-', // its metrics/pprof listener defaults to :8088 and would clash between instances
      '--telemetry=disable',
      // at warn it logs every client's unsupported endSessions on disconnect; errors still show
      '--log-level=error',
    ];
    const proc = await startReady(
      { name: 'ferretdb', command: toolPaths().ferretdb, args, env: serverEnv('FERRETDB_'), log: options.log, detached: options.detached },
      'answer to ping',
      () => probeMongo(url),
      options.readyTimeoutMs ?? 30_000,
    );
    return { url, port, process: proc, stop: () => proc.stop() };
  });
}

async function probeMongo(url: string): Promise<void> {
  const client = new MongoClient(url, {
    directConnection: true,
    serverSelectionTimeoutMS: 1_000,
    connectTimeoutMS: 1_000,
    socketTimeoutMS: 2_000,
  });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}
