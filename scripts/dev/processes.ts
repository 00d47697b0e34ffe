// Child processes for the embedded servers and the dev runner: free ports, supervision with
// prefixed output, readiness probes, and a clean stop (SIGTERM, then SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';

export type LineLogger = (line: string) => void;

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
   * in order (scripts/dev/main.ts). Leave false in tests so a Ctrl-C on jest also ends the servers.
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
    return (
      this.recent
        .slice(-lines)
        .map((line) => `  | ${line}`)
        .join('\n') || '  | (no output)'
    );
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

/**
 * Herald's worker or API run from source (`entry`: src/main/worker.ts or src/main/api.ts), in a process
 * group of its own, with 20 s to drain on stop. `node --import tsx` is `tsx` without its wrapper
 * process, so signals reach Herald directly.
 */
export function startHeraldProcess(name: 'worker' | 'api', entry: string, options: { root: string; env: NodeJS.ProcessEnv; log?: LineLogger }): ManagedProcess {
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: [...(process.env.HERALD_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.HERALD_PROFILE_DIR] : []), '--import', 'tsx', entry],
    cwd: options.root,
    env: options.env,
    log: options.log,
    detached: true,
    stopTimeoutMs: 20_000,
  });
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
export async function waitUntilReady(proc: ManagedProcess, what: string, probe: () => Promise<void>, timeoutMs: number): Promise<void> {
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
      throw new Error(`${proc.name}: no ${what} after ${timeoutMs / 1000} s (last check: ${lastError}).\n` + `Last output:\n${proc.recentOutput()}`);
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
export async function startReady(options: ProcessOptions, what: string, probe: () => Promise<void>, timeoutMs: number) {
  const proc = new ManagedProcess(options);
  try {
    await waitUntilReady(proc, what, probe, timeoutMs);
    return proc;
  } catch (error) {
    await proc.stop();
    throw error;
  }
}
