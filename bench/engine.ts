// What the workflow engine did in one measured window, read at the window's two edges:
//   - the Temporal dev server's Prometheus counters (`--metrics-port`): service requests by
//     service and operation, persistence and visibility-persistence requests by operation, the
//     eager-start counters — so each window gives its Temporal calls per delivery (per workflow
//     for ceiling B);
//   - the Herald API's own /metrics: how its event workflow starts went (eager, started, existed);
//   - the size of the dev server's SQLite files (temporal.db, -wal, -shm): bytes per event.
// A failed read is recorded and leaves that figure out; it never fails the phase.
import { statSync } from 'node:fs';
import path from 'node:path';
import { counterGrowth, scrape, sortedDesc, sumBy, type Sample, type Scrape } from './prometheus';
import type { Stack } from './stack';
import { now, round, sleep } from './util';

const SERVICE = 'service_requests';
const PERSISTENCE = 'persistence_requests';
const VISIBILITY = 'visibility_persistence_requests';
const EAGER = 'workflow_eager_execution';
const EAGER_DENIED = 'workflow_eager_execution_denied';
const ENGINE_METRICS: ReadonlySet<string> = new Set([SERVICE, PERSISTENCE, VISIBILITY, EAGER, EAGER_DENIED]);

const API_STARTS = 'herald_event_workflow_starts_total';
const API_METRICS: ReadonlySet<string> = new Set([API_STARTS]);

const DB_FILES = ['temporal.db', 'temporal.db-wal', 'temporal.db-shm'] as const;

/**
 * The dev server publishes its counters to the Prometheus endpoint about once a second (measured:
 * a start shows there some 0.6 s after it was answered), so an edge waits this long before it
 * reads: the work done before the edge is then counted before it. Callers read an edge outside
 * their CPU window, so the wait costs wall time only.
 */
export const ENGINE_SETTLE_MS = 1_500;
type DbFile = (typeof DB_FILES)[number];

/** One edge of a window: whatever could be read then. */
export interface Edge {
  atMs: number;
  engine?: Scrape;
  api?: Scrape;
  dbBytes?: Record<DbFile, number>;
  errors: string[];
}

export interface RequestCounts {
  total: number;
  /** By the label `service_name` (the service that served, or for persistence, that made the call). */
  byService: Record<string, number>;
  /** Largest first. Service requests: `service/Operation`; persistence: `Operation`, summed over services. */
  byOperation: Record<string, number>;
  /** By the label `namespace`; `temporal_system` is the server's own background work. */
  byNamespace: Record<string, number>;
}

export interface EngineOperations {
  /** What the per-unit figures divide by: deliveries received (Herald phases), workflows completed (ceiling B). */
  units: number;
  unit: 'delivery' | 'workflow';
  seconds: number;
  service: RequestCounts;
  persistence: RequestCounts;
  visibility: { total: number; byOperation: Record<string, number> };
  /** The history service's eager-start counters; 0 when the series never appeared. */
  eagerExecuted: number;
  eagerDenied: number;
  /** Per unit: each service's requests, their total, persistence and visibility requests. */
  perUnit: Record<string, number>;
  /** Every counter series of these metrics that grew in the window, by series. */
  series: Record<string, number>;
}

export interface EventStarts {
  eager: number;
  started: number;
  existed: number;
  /** eager ÷ (eager + started): of the event workflows this window actually started. */
  eagerShare: number;
}

export interface EngineBytes {
  before: Record<DbFile, number>;
  after: Record<DbFile, number>;
  /** Growth of the three files' sum (a WAL checkpoint only moves bytes between them). */
  growthBytes: number;
  events: number;
  bytesPerEvent: number;
}

export interface WindowEngine {
  engine?: EngineOperations;
  eventStarts?: EventStarts;
  engineBytes?: EngineBytes;
  /** Reads that failed at either edge. */
  readErrors?: string[];
}

export interface EdgeSources {
  /** The dev server's Prometheus endpoint. */
  temporalMetricsUrl?: string;
  /** The Herald API's /metrics, for its event-start counter. */
  apiMetricsUrl?: string;
  /** temporal.db's path; the -wal and -shm files sit beside it. */
  temporalDbPath?: string;
}

/** The sources a window of this stack can read; `api` false for windows without Herald ingests (ceiling B). */
export function edgeSources(stack: Stack, api = true): EdgeSources {
  return {
    temporalMetricsUrl: stack.temporalMetricsUrl,
    apiMetricsUrl: api ? `${stack.apiUrl}/metrics` : undefined,
    temporalDbPath: stack.temporalDbPath,
  };
}

function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // not there (yet): the WAL and shm files come and go with the journal mode
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function readEdge(sources: EdgeSources): Promise<Edge> {
  if (sources.temporalMetricsUrl) await sleep(ENGINE_SETTLE_MS);
  const edge: Edge = { atMs: now(), errors: [] };
  const reads: Array<Promise<void>> = [];
  if (sources.temporalMetricsUrl) {
    const url = sources.temporalMetricsUrl;
    reads.push(
      scrape(url, ENGINE_METRICS).then(
        (s) => void (edge.engine = s),
        (error: unknown) => void edge.errors.push(`Temporal metrics: ${message(error)}`),
      ),
    );
  }
  if (sources.apiMetricsUrl) {
    const url = sources.apiMetricsUrl;
    reads.push(
      scrape(url, API_METRICS).then(
        (s) => void (edge.api = s),
        (error: unknown) => void edge.errors.push(`API metrics: ${message(error)}`),
      ),
    );
  }
  if (sources.temporalDbPath) {
    const dir = path.dirname(sources.temporalDbPath);
    const base = path.basename(sources.temporalDbPath);
    // The CLI names the journal files after the database: <db>-wal, <db>-shm.
    const files = DB_FILES.map((file) => [file, fileBytes(path.join(dir, `${base}${file.slice('temporal.db'.length)}`))] as const);
    edge.dbBytes = Object.fromEntries(files) as Record<DbFile, number>;
  }
  await Promise.all(reads);
  return edge;
}

const label = (name: string) => (sample: Sample) => sample.labels[name] ?? '(none)';
const total = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

function requestCounts(samples: Sample[], operationKey: (sample: Sample) => string): RequestCounts {
  return {
    total: samples.reduce((sum, s) => sum + s.value, 0),
    byService: sortedDesc(sumBy(samples, label('service_name'))),
    byOperation: sortedDesc(sumBy(samples, operationKey)),
    byNamespace: sortedDesc(sumBy(samples, label('namespace'))),
  };
}

const perUnitOf = (count: number, units: number): number => (units > 0 ? round(count / units, 3) : Number.NaN);

export function engineOperations(before: Scrape, after: Scrape, seconds: number, units: number, unit: EngineOperations['unit']): EngineOperations {
  const grown = counterGrowth(before, after);
  const of = (name: string) => grown.filter((sample) => sample.name === name);
  const service = requestCounts(of(SERVICE), (s) => `${s.labels.service_name ?? '(none)'}/${s.labels.operation ?? '(none)'}`);
  const persistence = requestCounts(of(PERSISTENCE), label('operation'));
  const visibilitySamples = of(VISIBILITY);
  const visibility = { total: total(sumBy(visibilitySamples, () => 'all')), byOperation: sortedDesc(sumBy(visibilitySamples, label('operation'))) };
  const perUnit: Record<string, number> = {};
  for (const [name, count] of Object.entries(service.byService)) perUnit[name] = perUnitOf(count, units);
  perUnit.serviceTotal = perUnitOf(service.total, units);
  perUnit.persistence = perUnitOf(persistence.total, units);
  perUnit.visibility = perUnitOf(visibility.total, units);
  return {
    units,
    unit,
    seconds: round(seconds, 3),
    service,
    persistence,
    visibility,
    eagerExecuted: total(sumBy(of(EAGER), () => 'all')),
    eagerDenied: total(sumBy(of(EAGER_DENIED), () => 'all')),
    perUnit,
    series: Object.fromEntries(grown.map((sample) => [`${sample.name}${JSON.stringify(sample.labels)}`, sample.value])),
  };
}

function eventStarts(before: Scrape, after: Scrape): EventStarts {
  const by = sumBy(counterGrowth(before, after), label('start'));
  const [eager, started, existed] = [by.eager ?? 0, by.started ?? 0, by.existed ?? 0];
  return { eager, started, existed, eagerShare: eager + started > 0 ? round(eager / (eager + started), 4) : Number.NaN };
}

/**
 * The window's figures from its two edges. `units`: deliveries received or workflows completed;
 * `events`: events accepted, for bytes per event (omit where bytes are not wanted).
 */
export function windowEngine(open: Edge, close: Edge, units: number, unit: EngineOperations['unit'], events?: number): WindowEngine {
  const out: WindowEngine = {};
  const seconds = (close.atMs - open.atMs) / 1000;
  if (open.engine && close.engine) out.engine = engineOperations(open.engine, close.engine, seconds, units, unit);
  if (open.api && close.api) out.eventStarts = eventStarts(open.api, close.api);
  if (events !== undefined && open.dbBytes && close.dbBytes) {
    const growthBytes = total(close.dbBytes) - total(open.dbBytes);
    out.engineBytes = {
      before: open.dbBytes,
      after: close.dbBytes,
      growthBytes,
      events,
      bytesPerEvent: events > 0 ? round(growthBytes / events, 1) : Number.NaN,
    };
  }
  const errors = [...open.errors, ...close.errors];
  if (errors.length > 0) out.readErrors = errors;
  return out;
}
