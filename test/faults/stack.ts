// The real stack as separate OS processes, so that any of them can be SIGKILLed and started again
// on the same port and the same data: the Temporal dev server (its SQLite file), FerretDB and its
// PostgreSQL (the cluster directory), Herald's API (src/main/api.ts) and worker (src/main/worker.ts).
// The API and worker are supervised like a deployment's `restart: unless-stopped`: one that exits
// on its own is started again, and the exit is reported as an incident of the case.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startPostgres, postgresBinDir } from '../../scripts/dev/postgres';
import { generateKeySpec } from '../../src/security/keyring';
import { startFerretDBAlone } from './ferretdbAlone';
import {
  freePort,
  startFerretDB,
  startHeraldProcess,
  startTemporalDevServer,
  waitUntilReady,
  type LineLogger,
  type ManagedProcess,
} from '../../scripts/dev/services';

export type Role = 'temporal' | 'ferretdb' | 'postgres' | 'worker' | 'api';
const HERALD_ROLES = ['worker', 'api'] as const;
/** Stop order: Herald first (it drains against live servers), then FerretDB, its PostgreSQL, Temporal. */
const STOP_ORDER: Role[] = ['api', 'worker', 'ferretdb', 'postgres', 'temporal'];

/** Bundling is done once, up front; a worker that loads the bundle starts in a few seconds. */
const WORKER_READY_MS = 60_000;
const API_READY_MS = 60_000;
/** Pause before the supervisor starts an API or worker that exited on its own. */
const SUPERVISOR_PAUSE_MS = 1_000;

export interface FaultStackOptions {
  root: string;
  /** This run's directory: server data, the workflow bundle, one log file per role. */
  dir: string;
  /** Servers started by someone else (the jest services project): only API and worker are ours. */
  servers?: { temporalAddress: string; mongodbUrl: string };
  say: (line: string) => void;
}

interface Servers {
  temporalAddress: string;
  temporalPort: number;
  mongodbUrl: string;
  ferretPort: number;
  postgresUrl: string;
  postgresPort: number;
}

export class FaultStack {
  readonly adminKey = `faults-admin-${randomBytes(12).toString('hex')}`;
  readonly taskQueue = `herald-faults-${randomBytes(4).toString('hex')}`;
  apiUrl = '';
  /** For observing the engine (visibility counts), never for driving Herald. */
  temporalAddress = '';
  private apiPort = 0;
  private env: NodeJS.ProcessEnv = {};
  private servers: Servers | undefined;
  private readonly procs: Partial<Record<Role, ManagedProcess>> = {};
  /** Processes we stopped or killed on purpose: their exit is no incident. */
  private readonly intended = new WeakSet<ManagedProcess>();
  private readonly starting: Partial<Record<Role, Promise<void>>> = {};
  private readonly logs = new Map<Role, WriteStream>();
  private incidents: string[] = [];
  private stopping = false;

  private constructor(private readonly options: FaultStackOptions) {}

  static async start(options: FaultStackOptions): Promise<FaultStack> {
    const stack = new FaultStack(options);
    try {
      await stack.boot();
      return stack;
    } catch (error) {
      await stack.stop();
      throw error;
    }
  }

  /** Whether Temporal, FerretDB and PostgreSQL are ours to kill. */
  get ownsServers(): boolean {
    return this.servers !== undefined;
  }

  pid(role: Role): number | undefined {
    return this.procs[role]?.pid;
  }

  /** What happened on its own since the last call: processes that exited and were started again. */
  takeIncidents(): string[] {
    const taken = this.incidents;
    this.incidents = [];
    return taken;
  }

  private async boot(): Promise<void> {
    const { dir, say } = this.options;
    mkdirSync(path.join(dir, 'logs'), { recursive: true });
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    const bundling = bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietBundler }).then(({ code }) =>
      writeFile(bundlePath, code),
    );
    let temporalAddress: string;
    let mongodbUrl: string;
    if (this.options.servers) {
      ({ temporalAddress, mongodbUrl } = this.options.servers);
      mongodbUrl = mongodbUrl.replace(/\/[^/?]*(\?|$)/, `/${this.taskQueue.replace(/-/g, '_')}$1`);
      await bundling;
    } else {
      const [temporal, ferret] = await Promise.all([
        startTemporalDevServer({ dataDir: path.join(dir, 'temporal'), log: this.logTo('temporal'), detached: true }),
        startFerretDB({ dataDir: path.join(dir, 'ferretdb'), log: this.logTo('ferretdb'), postgresLog: this.logTo('postgres'), detached: true }),
        bundling,
      ]);
      this.procs.temporal = temporal.process;
      this.procs.ferretdb = ferret.process;
      this.procs.postgres = ferret.postgres.process;
      temporalAddress = temporal.address;
      mongodbUrl = `${ferret.url}/herald`;
      this.servers = {
        temporalAddress,
        temporalPort: temporal.port,
        mongodbUrl,
        ferretPort: ferret.port,
        postgresUrl: ferret.postgres.url,
        postgresPort: ferret.postgres.port,
      };
      say(
        `Temporal on ${temporalAddress} (pid ${temporal.process.pid}), FerretDB on ${ferret.url} (pid ${ferret.process.pid}), PostgreSQL pid ${ferret.postgres.process.pid}`,
      );
    }
    this.apiPort = await freePort();
    this.apiUrl = `http://127.0.0.1:${this.apiPort}`;
    this.env = {
      ...process.env,
      TEMPORAL_ADDRESS: (this.temporalAddress = temporalAddress),
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: this.taskQueue,
      MONGODB_URL: mongodbUrl,
      PORT: String(this.apiPort),
      HOST: '127.0.0.1',
      HERALD_ADMIN_KEY: this.adminKey,
      // Every restarted process gets this same env, so the same key: a fresh one per run.
      HERALD_ENCRYPTION_KEY: generateKeySpec('faults'),
      HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
      HERALD_WORKER_METRICS_PORT: '0',
      HERALD_RATE_LIMIT_PER_MINUTE: '10000000',
      HERALD_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '10000000', // every client here is 127.0.0.1
      // The reconciler looks every 2 s at deliveries 5 s overdue: a crash heals within seconds.
      HERALD_RECONCILE_INTERVAL_SECONDS: '2',
      HERALD_RECONCILE_GRACE_SECONDS: '5',
      HERALD_WORKFLOW_BUNDLE: bundlePath,
      LOG_LEVEL: 'warn',
    };
    await Promise.all([this.startRole('worker'), this.startRole('api')]);
    say(`worker pid ${this.pid('worker')}, API pid ${this.pid('api')} on ${this.apiUrl}, task queue ${this.taskQueue}`);
  }

  /** SIGKILL to the role's process group; resolves once it is gone. */
  async kill(role: Role): Promise<void> {
    const proc = this.procs[role];
    if (!proc || proc.hasExited) throw new Error(`${role} is not running`);
    if (!this.ownsServers && !isHerald(role)) throw new Error(`${role} is not this stack's to kill`);
    this.intended.add(proc);
    const pid = proc.pid!;
    try {
      process.kill(-pid, 'SIGKILL'); // every process of the stack leads its own group
    } catch {
      process.kill(pid, 'SIGKILL');
    }
    await proc.exited;
  }

  /** Starts the role again on the same port and data; resolves once it is ready. */
  restart(role: Role): Promise<void> {
    return this.startRole(role);
  }

  /** Starts every role whose process is not running (after a case that failed half-way). */
  async ensureRunning(): Promise<void> {
    for (const role of ['postgres', 'ferretdb', 'temporal', 'worker', 'api'] as Role[]) {
      const proc = this.procs[role];
      if (proc && !proc.hasExited) continue;
      if (!proc && !isHerald(role) && !this.ownsServers) continue;
      this.incidents.push(`${role} was not running after the case: started again`);
      await this.startRole(role);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled(Object.values(this.starting));
    for (const role of STOP_ORDER) {
      const proc = this.procs[role];
      if (!proc) continue;
      this.intended.add(proc);
      await proc.stop();
    }
    await Promise.all([...this.logs.values()].map((stream) => new Promise((resolve) => stream.end(resolve))));
  }

  private startRole(role: Role): Promise<void> {
    this.starting[role] ??= this.launch(role).finally(() => {
      delete this.starting[role];
    });
    return this.starting[role];
  }

  private async launch(role: Role): Promise<void> {
    const servers = this.servers;
    const log = this.logTo(role);
    const dir = this.options.dir;
    switch (role) {
      case 'worker':
      case 'api':
        return this.launchHerald(role);
      case 'temporal': {
        if (!servers) throw new Error('temporal is not ours');
        const temporal = await startTemporalDevServer({ dataDir: path.join(dir, 'temporal'), port: servers.temporalPort, log, detached: true });
        this.procs.temporal = temporal.process;
        return;
      }
      case 'postgres': {
        if (!servers) throw new Error('postgres is not ours');
        const pg = await startPostgres(postgresBinDir(this.options.root), {
          dataDir: path.join(dir, 'ferretdb', 'postgres'),
          port: servers.postgresPort,
          log,
          detached: true,
        });
        this.procs.postgres = pg.process;
        return;
      }
      case 'ferretdb': {
        if (!servers) throw new Error('ferretdb is not ours');
        this.procs.ferretdb = await startFerretDBAlone(servers.postgresUrl, servers.ferretPort, path.join(dir, 'ferretdb'), log);
        return;
      }
    }
  }

  private async launchHerald(role: 'worker' | 'api'): Promise<void> {
    let polling = false;
    const log = this.logTo(role);
    const proc = startHeraldProcess(role, role === 'worker' ? 'src/main/worker.ts' : 'src/main/api.ts', {
      root: this.options.root,
      env: this.env,
      log: (line) => {
        if (line.includes('polling task queue')) polling = true;
        log(line);
      },
    });
    this.procs[role] = proc;
    log(`=== started, pid ${proc.pid}`);
    void proc.exited.then((exit) => this.onExit(role, proc, `${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}`));
    if (role === 'worker') {
      await waitUntilReady(
        proc,
        'polling the task queue',
        async () => {
          if (!polling) throw new Error('no "polling task queue" line yet');
        },
        WORKER_READY_MS,
      );
    } else {
      await waitUntilReady(proc, `200 from ${this.apiUrl}/readyz`, () => ready(`${this.apiUrl}/readyz`), API_READY_MS);
    }
  }

  /** An API or worker that exits on its own is an incident; the supervisor starts it again. */
  private onExit(role: 'worker' | 'api', proc: ManagedProcess, how: string): void {
    this.logTo(role)(`=== pid ${proc.pid} exited (${how})`);
    if (this.stopping || this.intended.has(proc) || this.procs[role] !== proc) return;
    const last = proc.recentOutput(3).replace(/\s+/g, ' ').slice(0, 300);
    this.incidents.push(`${role} pid ${proc.pid} exited on its own (${how}; last output: ${last}); started again`);
    this.options.say(`${role} pid ${proc.pid} exited on its own (${how}): starting it again`);
    setTimeout(() => {
      if (this.stopping || this.procs[role] !== proc) return;
      this.startRole(role).catch((error: unknown) => this.incidents.push(`${role} could not be started again: ${String(error)}`));
    }, SUPERVISOR_PAUSE_MS);
  }

  private logTo(role: Role): LineLogger {
    let stream = this.logs.get(role);
    if (!stream) {
      stream = createWriteStream(path.join(this.options.dir, 'logs', `${role}.log`), { flags: 'a' });
      this.logs.set(role, stream);
    }
    const out = stream;
    return (line) => {
      if (!out.writableEnded) out.write(`${new Date().toISOString()} ${line}\n`);
    };
  }
}

const isHerald = (role: Role): role is 'worker' | 'api' => (HERALD_ROLES as readonly Role[]).includes(role);

const quietBundler = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: console.error,
  log: () => undefined,
};

async function ready(url: string): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  await response.body?.cancel();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
}
