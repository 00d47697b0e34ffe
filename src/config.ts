// Configuration comes from environment variables with safe defaults, validated once at start-up.
// A bad value stops the process with a message naming the variable.
import { DEFAULT_RECONCILE_GRACE_SECONDS, DEFAULT_RETENTION_DAYS } from './policy/retention';

export interface Config {
  port: number;
  host: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  mongodbUrl: string;
  adminKey: string | undefined;
  allowPrivateNetworks: boolean;
  maxBodyBytes: number;
  logLevel: string;
  rateLimitPerMinute: number;
  /** Where a worker serves its /metrics; 0 turns it off. */
  workerMetricsPort: number;
  /**
   * Workflows a worker keeps in memory between their tasks. Deliveries mostly wait on timers for
   * minutes or hours, so the SDK's default (about 2 300 with a 4 GiB heap) let the worker grow with
   * every waiting delivery; past this bound an evicted one is replayed from its short history when
   * its timer fires.
   */
  workerCachedWorkflows: number;
  /**
   * Attempts one worker keeps in flight to a single webhook. A receiver that hangs to its timeout
   * holds at most this many of the worker's slots; its other deliveries wait their turn.
   */
  maxInFlightPerWebhook: number;
  /** How often the reconciler Schedule looks for deliveries that a crash left without a run. */
  reconcileIntervalSeconds: number;
  /** How overdue a pending delivery's next attempt must be before the reconciler checks its run. */
  reconcileGraceSeconds: number;
  /** How often the retention Schedule sweeps records past their keeping time. */
  retentionIntervalSeconds: number;
  /** Days that succeeded deliveries, events and notifications are kept. */
  retentionDays: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function text(env: Env, name: string, fallback: string, pattern?: RegExp, expected?: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (pattern && !pattern.test(raw)) throw new ConfigError(name, `must be ${expected}, got "${raw}"`);
  return raw;
}

const LOG_LEVELS = /^(fatal|error|warn|info|debug|trace|silent)$/;

export function loadConfig(env: Env = process.env): Config {
  const adminKey = env.HERALD_ADMIN_KEY;
  if (adminKey !== undefined && adminKey !== '' && adminKey.length < 16) {
    throw new ConfigError('HERALD_ADMIN_KEY', 'must be at least 16 characters long');
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST', '127.0.0.1'),
    temporalAddress: text(env, 'TEMPORAL_ADDRESS', '127.0.0.1:7233', /^[^\s:]+:\d+$/, 'host:port'),
    temporalNamespace: text(env, 'TEMPORAL_NAMESPACE', 'default'),
    taskQueue: text(env, 'TEMPORAL_TASK_QUEUE', 'herald-deliveries'),
    mongodbUrl: text(env, 'MONGODB_URL', 'mongodb://127.0.0.1:27017/herald', /^mongodb(\+srv)?:\/\/.+/, 'a mongodb:// URL'),
    adminKey: adminKey === '' ? undefined : adminKey,
    allowPrivateNetworks: boolean(env, 'HERALD_ALLOW_PRIVATE_NETWORKS', false),
    maxBodyBytes: integer(env, 'HERALD_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    logLevel: text(env, 'LOG_LEVEL', 'info', LOG_LEVELS, 'one of fatal, error, warn, info, debug, trace, silent'),
    rateLimitPerMinute: integer(env, 'HERALD_RATE_LIMIT_PER_MINUTE', 6000, 1, 10_000_000),
    workerMetricsPort: integer(env, 'HERALD_WORKER_METRICS_PORT', 9464, 0, 65535),
    workerCachedWorkflows: integer(env, 'HERALD_WORKER_CACHED_WORKFLOWS', 250, 2, 100_000),
    maxInFlightPerWebhook: integer(env, 'HERALD_MAX_IN_FLIGHT_PER_WEBHOOK', 10, 1, 10_000),
    reconcileIntervalSeconds: integer(env, 'HERALD_RECONCILE_INTERVAL_SECONDS', 60, 1, 86_400),
    retentionIntervalSeconds: integer(env, 'HERALD_RETENTION_INTERVAL_SECONDS', 3600, 1, 86_400),
    reconcileGraceSeconds: integer(env, 'HERALD_RECONCILE_GRACE_SECONDS', DEFAULT_RECONCILE_GRACE_SECONDS, 1, 86_400),
    retentionDays: integer(env, 'HERALD_RETENTION_DAYS', DEFAULT_RETENTION_DAYS, 1, 3650),
  };
}
