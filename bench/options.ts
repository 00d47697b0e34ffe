// Command-line options of `npm run bench`, with the defaults and the smaller `--quick` set.
import path from 'node:path';
import { parseArgs } from 'node:util';

export const PHASES = ['ceiling-a', 'ceiling-b', 'full', 'high', 'half', 'busy', 'hanging', 'fanout', 'history', 'seeded', 'waiting', 'grown'] as const;
export type PhaseName = (typeof PHASES)[number];
/** Run unless --phases names others; `grown` fills the engine for a long while, so only on request. */
const DEFAULT_PHASES = PHASES.filter((name) => name !== 'grown');

export interface BenchOptions {
  /** Events of the fan-out-1 full-rate phase (and of the half-rate and seeded repeats). */
  events: number;
  /** Closed-loop clients of the full-rate phases and of ceilings A and B. */
  concurrency: number;
  /** Clients of the second fan-out-1 full-rate phase. */
  highConcurrency: number;
  highEvents: number;
  /** Webhooks subscribed to the event type in the fan-out phase. */
  fanout: number;
  /** Events of the fan-out phase; by default `events / fanout`, so it makes as many deliveries. */
  fanoutEvents: number;
  /** Events per second of the open-loop phase; by default half the measured full rate. */
  rate: number | undefined;
  /** Workflows put in the engine's database before the `grown` phase measures again. */
  engineFill: number;
  /** How long the hanging receiver of the `hanging` phase holds each request, in seconds. */
  hangSeconds: number;
  /** Events per second sent to the hanging receiver while the fast one is measured. */
  hangRate: number;
  /** Longest sending time of one load phase, in seconds. */
  duration: number;
  /** Longest wait for the last deliveries after sending stopped, in seconds. */
  drainTimeout: number;
  warmup: number;
  ceilingRequests: number;
  ceilingWorkflows: number;
  historySample: number;
  seed: number;
  waitingSmall: number;
  waitingLarge: number;
  quick: boolean;
  existing: string | undefined;
  adminKey: string | undefined;
  temporalAddress: string | undefined;
  mongodbUrl: string | undefined;
  phases: Set<PhaseName>;
  /** Separate worker processes beside the API (which runs a worker of its own unless HERALD_API_WORKER=false). */
  workers: number;
  /** Appended verbatim to the dev server's command line, after Herald's own settings. */
  temporalArgs: string[];
  outDir: string;
}

export const HELP = `Usage: npm run bench -- [options]

Starts Temporal, FerretDB (on PostgreSQL), the Herald worker and API in a fresh temporary
directory, measures them, writes bench/results/<timestamp>.{json,md,svg} and stops everything.

  --events N             events of the fan-out-1 full-rate phase            (2000; quick 200)
  --concurrency N        closed-loop clients (also ceilings A and B)         (32)
  --high-concurrency N   clients of the second full-rate phase               (256)
  --high-events N        events of that phase                                (1000; quick 200)
  --fanout N             webhooks per event in the fan-out phase             (5)
  --fanout-events N      events of the fan-out phase                         (events / fanout)
  --rate N               events/s of the paced phase           (half the measured full rate)
  --engine-fill N        workflows in the engine before the grown phase   (100000; quick 5000)
  --hang-seconds S       how long the hanging receiver holds a request (hanging phase)  (30)
  --hang-rate N          events/s to the hanging receiver meanwhile                     (5)
  --duration S           longest sending time of one load phase              (300)
  --drain-timeout S      longest wait for outstanding deliveries afterwards  (300)
  --warmup N             unmeasured events before the first phase            (200; quick 50)
  --ceiling-requests N   raw POSTs of ceiling A                              (20000; quick 2000)
  --ceiling-workflows N  workflows per variant of ceiling B                  (2000; quick 200)
  --history-sample N     events whose workflow histories are counted         (20)
  --seed N               delivery documents stored before the seeded repeat  (100000; quick 10000)
  --waiting-small N      deliveries waiting in retry timers, first count     (1000; quick 100)
  --waiting-large N      ... second count                                    (10000; quick 1000)
  --quick                the small numbers above, for a smoke run
  --phases a,b,...       run only these: ${PHASES.join(', ')}
                         (all but grown by default: it takes 20-30 minutes)
  --workers N            separate worker processes beside the API, which runs
                         a worker of its own unless HERALD_API_WORKER=false  (0)
  --temporal-arg=ARG     appended to the dev server's command line after Herald's
                         settings; repeat for each word, e.g.
                         --temporal-arg=--dynamic-config-value
                         --temporal-arg=system.forceSearchAttributesCacheRefreshOnRead=false
                         (the CLI keeps the last value given for a key)
  --existing URL         use a running Herald API instead of starting one; only phases that
                         need no process handles run (no memory, no seeding unless --mongodb-url)
  --admin-key KEY        admin key of the --existing stack     (HERALD_ADMIN_KEY or herald-dev-admin-key)
  --temporal-address A   Temporal of the --existing stack (enables ceiling B and history)
  --mongodb-url URL      its MongoDB URL with database name (enables the seeded phase)
  --out DIR              where results go                                    (bench/results)
  --help                 this text
`;

function positive(name: string, raw: string | undefined, fallback: number, zeroAllowed = false): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
    throw new Error(`--${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number, got "${raw}"`);
  }
  return value;
}

function whole(name: string, raw: string | undefined, fallback: number, zeroAllowed = false): number {
  const value = positive(name, raw, fallback, zeroAllowed);
  if (!Number.isInteger(value)) throw new Error(`--${name} must be a whole number, got "${raw}"`);
  return value;
}

export function parseOptions(argv: string[], root: string): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      events: { type: 'string' },
      concurrency: { type: 'string' },
      'high-concurrency': { type: 'string' },
      'high-events': { type: 'string' },
      fanout: { type: 'string' },
      'fanout-events': { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      'drain-timeout': { type: 'string' },
      warmup: { type: 'string' },
      'ceiling-requests': { type: 'string' },
      'ceiling-workflows': { type: 'string' },
      'history-sample': { type: 'string' },
      seed: { type: 'string' },
      'waiting-small': { type: 'string' },
      'waiting-large': { type: 'string' },
      quick: { type: 'boolean', default: false },
      phases: { type: 'string' },
      workers: { type: 'string' },
      'temporal-arg': { type: 'string', multiple: true },
      'hang-seconds': { type: 'string' },
      'engine-fill': { type: 'string' },
      'hang-rate': { type: 'string' },
      existing: { type: 'string' },
      'admin-key': { type: 'string' },
      'temporal-address': { type: 'string' },
      'mongodb-url': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick ?? false;
  const q = (normal: number, small: number) => (quick ? small : normal);

  const events = whole('events', values.events, q(2000, 200));
  const fanout = whole('fanout', values.fanout, 5);
  const waitingSmall = whole('waiting-small', values['waiting-small'], q(1000, 100));
  const waitingLarge = whole('waiting-large', values['waiting-large'], q(10_000, 1000));
  if (waitingLarge <= waitingSmall) throw new Error('--waiting-large must be more than --waiting-small');

  let phases = new Set<PhaseName>(DEFAULT_PHASES);
  if (values.phases !== undefined) {
    const names = values.phases
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    const unknown = names.filter((name) => !(PHASES as readonly string[]).includes(name));
    if (unknown.length > 0) throw new Error(`--phases: unknown ${unknown.join(', ')}; known: ${PHASES.join(', ')}`);
    phases = new Set(names as PhaseName[]);
  }
  const existing = values.existing?.replace(/\/+$/, '');
  if (existing !== undefined && !/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(existing)) {
    throw new Error(`--existing must be a loopback URL such as http://127.0.0.1:3000, got "${existing}"`);
  }
  const workers = whole('workers', values.workers, 0, true);
  const temporalArgs = values['temporal-arg'] ?? [];
  if (existing !== undefined && (values.workers !== undefined || temporalArgs.length > 0)) {
    throw new Error('--workers and --temporal-arg shape the embedded stack; they do nothing with --existing');
  }

  return {
    events,
    concurrency: whole('concurrency', values.concurrency, 32),
    highConcurrency: whole('high-concurrency', values['high-concurrency'], 256),
    highEvents: whole('high-events', values['high-events'], q(1000, 200)),
    fanout,
    fanoutEvents: whole('fanout-events', values['fanout-events'], Math.max(1, Math.round(events / fanout))),
    rate: values.rate === undefined ? undefined : positive('rate', values.rate, 1),
    hangSeconds: positive('hang-seconds', values['hang-seconds'], 30),
    engineFill: whole('engine-fill', values['engine-fill'], q(100_000, 5000)),
    hangRate: positive('hang-rate', values['hang-rate'], 5),
    duration: positive('duration', values.duration, 300),
    drainTimeout: positive('drain-timeout', values['drain-timeout'], 300),
    warmup: whole('warmup', values.warmup, q(200, 50), true),
    ceilingRequests: whole('ceiling-requests', values['ceiling-requests'], q(20_000, 2000)),
    ceilingWorkflows: whole('ceiling-workflows', values['ceiling-workflows'], q(2000, 200)),
    historySample: whole('history-sample', values['history-sample'], 20),
    seed: whole('seed', values.seed, q(100_000, 10_000)),
    waitingSmall,
    waitingLarge,
    quick,
    existing,
    adminKey: values['admin-key'],
    temporalAddress: values['temporal-address'],
    mongodbUrl: values['mongodb-url'],
    phases,
    workers,
    temporalArgs,
    outDir: path.resolve(root, values.out ?? path.join('bench', 'results')),
  };
}
