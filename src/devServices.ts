// The embedded default servers of SPEC section 1 — the Temporal CLI dev server and FerretDB on
// SQLite, installed into .tools/ by scripts/bootstrap.sh — run as child processes on free ports.
// Shared by `npm run dev` (src/dev.ts) and the jest global setup (test/support/), so no jest here.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { HERALD_SEARCH_ATTRIBUTES } from './temporal/searchAttributes';

export type LineLogger = (line: string) => void;

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
}

export function toolPaths(root: string = repoRoot()): ToolPaths {
  return {
    temporal: path.join(root, '.tools', 'venv', 'bin', 'temporal'),
    temporalTestServer: path.join(root, '.tools', 'venv', 'bin', 'temporal-test-server'),
    ferretdb: path.join(root, '.tools', 'bin', 'ferretdb'),
  };
}

/** Throws, naming the missing files and the fix, unless the given tools are installed. */
export function assertToolsInstalled(which: (keyof ToolPaths)[] = ['temporal', 'temporalTestServer', 'ferretdb']): void {
  const tools = toolPaths();
  const missing = which.map((name) => tools[name]).filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`Missing ${missing.join(', ')}.\nRun \`bash scripts/bootstrap.sh\` (or \`npm run bootstrap\`) first.`);
  }
}

/** A TCP port nothing listens on right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a listen on host:port would succeed now (for a clear message before a server fails). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

// ---------------------------------------------------------------- child processes

export interface ProcessOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Receives every stdout/stderr line until stop() is called. */
  log?: LineLogger;
  /**
   * Own process group: a terminal Ctrl-C reaches only the parent, which then stops children
   * in order (src/dev.ts). Leave false in tests so a Ctrl-C on jest also ends the servers.
   */
  detached?: boolean;
  /** Grace period between SIGTERM and SIGKILL. */
  stopTimeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const live = new Set<ManagedProcess>();
let exitHookInstalled = false;

/** A child process that keeps its recent output for error messages and stops reliably. */
export class ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private stopping: Promise<void> | undefined;
  private readonly recent: string[] = [];

  constructor(private readonly options: ProcessOptions) {
    this.name = options.name;
    this.child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.detached ?? false,
    });
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.once('error', (error) => {
        this.remember(`spawn failed: ${error.message}`);
        this.exitInfo ??= { code: null, signal: null };
        resolve(this.exitInfo);
      });
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    }).then((info) => {
      live.delete(this);
      return info;
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.remember(line));
    }
    live.add(this);
    installExitHook();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): ExitInfo | undefined {
    return this.exitInfo;
  }

  recentOutput(lines = 25): string {
    return this.recent.slice(-lines).map((line) => `  | ${line}`).join('\n') || '  | (no output)';
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.exitInfo) return;
      this.signal('SIGTERM');
      const timer = setTimeout(() => this.signal('SIGKILL'), this.options.stopTimeoutMs ?? 10_000);
      await this.exited;
      clearTimeout(timer);
    })();
    return this.stopping;
  }

  /** Synchronous last resort, for process 'exit'. */
  kill(): void {
    if (!this.exitInfo) this.signal('SIGKILL');
  }

  describeExit(): string {
    const info = this.exitInfo;
    if (!info) return `${this.name} is running`;
    return `${this.name} exited (${info.signal ? `signal ${info.signal}` : `code ${info.code}`})`;
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      // A detached child leads its own group; signalling the group also reaches its children.
      process.kill(this.options.detached ? -pid : pid, signal);
    } catch {
      // already gone
    }
  }

  private remember(line: string): void {
    this.recent.push(line);
    if (this.recent.length > 200) this.recent.splice(0, this.recent.length - 200);
    if (!this.stopping) this.options.log?.(line);
  }
}

/** Every ManagedProcess that has not exited yet, in start order. */
export function liveProcesses(): ManagedProcess[] {
  return [...live];
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Never leave servers behind when the parent exits without stopping them.
  process.once('exit', () => {
    for (const proc of live) proc.kill();
  });
}

/**
 * Polls `probe` until it resolves, failing early if the process exits and after `timeoutMs`,
 * with the last probe error and the child's recent output in the message.
 */
export async function waitUntilReady(
  proc: ManagedProcess,
  what: string,
  probe: () => Promise<void>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'not probed yet';
  for (;;) {
    if (proc.hasExited) {
      throw new Error(`${proc.describeExit()} before ${what}.\nLast output:\n${proc.recentOutput()}`);
    }
    try {
      // A port that accepts but never answers must not stall a probe, nor hide the child's exit.
      const outcome = await Promise.race([withTimeout(probe(), 5_000, 'probe timed out'), proc.exited.then(() => 'exited')]);
      if (outcome !== 'exited') return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${proc.name}: no ${what} after ${timeoutMs / 1000} s (last check: ${lastError}).\n` +
          `Last output:\n${proc.recentOutput()}`,
      );
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 250)), proc.exited]);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  promise.catch(() => undefined); // a late rejection after the timeout is not unhandled
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts a process and waits for readiness; on failure it is stopped and the error rethrown. */
async function startReady(options: ProcessOptions, what: string, probe: () => Promise<void>, timeoutMs: number) {
  const proc = new ManagedProcess(options);
  try {
    await waitUntilReady(proc, what, probe, timeoutMs);
    return proc;
  } catch (error) {
    await proc.stop();
    throw error;
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
  log?: LineLogger;
  detached?: boolean;
  readyTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** host:port, the form TEMPORAL_ADDRESS takes. */
  address: string;
  port: number;
  uiUrl: string | undefined;
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
    args.push('--db-filename', path.join(options.dataDir, 'temporal.db'), '--sqlite-pragma', 'journal_mode=wal');
    args.push('--namespace', 'default', '--log-level', 'warn');
    for (const key of HERALD_SEARCH_ATTRIBUTES) {
      args.push('--search-attribute', `${key.name}=${CLI_SEARCH_ATTRIBUTE_TYPES[key.type] ?? key.type}`);
    }
    const proc = await startReady(
      { name: 'temporal', command: toolPaths().temporal, args, env: serverEnv('TEMPORAL_'), log: options.log, detached: options.detached },
      'Temporal frontend with namespace "default" and the Herald search attributes',
      () => probeTemporal(address),
      options.readyTimeoutMs ?? 60_000,
    );
    const uiUrl = options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined;
    return { address, port, uiUrl, process: proc, stop: () => proc.stop() };
  });
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
  /** Directory for the SQLite files and FerretDB's state; created if missing, reused if present. */
  dataDir: string;
  /** Wire-protocol port; a free one by default. */
  port?: number;
  log?: LineLogger;
  detached?: boolean;
  readyTimeoutMs?: number;
}

export interface FerretDBServer {
  /** mongodb://127.0.0.1:PORT — append a database name for MONGODB_URL. */
  url: string;
  port: number;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startFerretDB(options: FerretDBOptions): Promise<FerretDBServer> {
  assertToolsInstalled(['ferretdb']);
  mkdirSync(options.dataDir, { recursive: true });
  return onFreePorts(options.port !== undefined, async () => {
    const port = options.port ?? (await freePort());
    const url = `mongodb://127.0.0.1:${port}`;
    const args = [
      '--handler=sqlite',
      `--sqlite-url=${pathToFileURL(options.dataDir).href.replace(/\/?$/, '/')}`,
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
