// Configuration comes from environment variables with safe defaults, validated once at start-up.
// A bad value stops the process with a message naming the variable.
import { isIP } from 'node:net';
import { DEFAULT_RECONCILE_GRACE_SECONDS, DEFAULT_RETENTION_DAYS } from './policy/retention';

/** Enough workflow tasks that most event starts find a free one (the SDK's default is 40). */
const DEFAULT_WORKFLOW_TASK_SLOTS = 200;
import { ENCRYPTION_KEY_VARIABLE, Keyring, KeyringError } from './security/keyring';

export interface Config {
  port: number;
  host: string;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  /** How the worker and the API authenticate to Temporal beyond its address. */
  temporalSecurity: TemporalSecurity;
  mongodbUrl: string;
  adminKey: string | undefined;
  allowPrivateNetworks: boolean;
  /**
   * `ip:port` targets webhooks may reach although private, e.g. an internal receiver the operator
   * trusts; every tenant can reach them. IP literals only: a name would trust whatever DNS answers.
   */
  allowedTargets: string[];
  maxBodyBytes: number;
  logLevel: string;
  /** Requests one authenticated caller (API key, or the admin key) may make per minute. */
  rateLimitPerMinute: number;
  /**
   * Requests one client address may make per minute, counted before authentication: a caller
   * rotating bogus keys is stopped here, in memory, before each key costs a MongoDB lookup.
   */
  rateLimitPerAddressPerMinute: number;
  /**
   * Proxies (load balancers) in front of the API whose X-Forwarded-For is trusted for the client
   * address; 0 uses the socket's address. Behind a proxy, 0 would put every client in one bucket.
   */
  trustedProxyHops: number;
  /** Time allowed to receive a whole request (headers and body): a slow sender cannot hold a socket. */
  requestTimeoutMs: number;
  /** A socket idle this long is closed; longer than any route takes to answer. */
  connectionTimeoutMs: number;
  /** How long an idle keep-alive connection stays open; above a load balancer's idle timeout. */
  keepAliveTimeoutMs: number;
  /** How often the API pings MongoDB to decide whether to shed load; 0 turns shedding off. */
  dependencyCheckIntervalMs: number;
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
   * Workflow tasks one worker runs at once. An event workflow holds its task while its first
   * attempts are sent (they are local activities), so this bounds the events in flight per worker,
   * and a start can be eager only while one is free. At most `workerCachedWorkflows`.
   */
  workerWorkflowTaskSlots: number;
  /**
   * The API process runs a worker too, and its Temporal client shares that worker's connection, so
   * the server hands an event workflow's first task straight back with the start (eager start):
   * no task queue round trip, one write fewer per event. Separate worker processes still scale out.
   */
  apiRunsWorker: boolean;
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
  /** The keys that encrypt secrets at rest; the API and worker refuse to start without them (requireKeyring). */
  encryptionKeys: Keyring | undefined;
  /**
   * The origin (and path prefix, if any) under which people reach the API, without a trailing
   * slash: links Herald hands out (a deactivated webhook's activation link, portal links) are
   * built on it. Unset: no activation links, and portal links carry no URL.
   */
  publicUrl?: string;
  /**
   * Origins whose pages may frame the console in portal mode (CSP `frame-ancestors`); empty: none.
   * Deployment-wide: the portal token travels in the URL's fragment, so the server answering the
   * console's page cannot know the workspace (src/api/pages/framing.ts).
   */
  portalFrameAncestors: string[];
}

/**
 * TLS to Temporal (a server certificate the OS trusts, or `caFile`), mTLS (`certFile` + `keyFile`),
 * and an API key (sent as a bearer token, so only over TLS). Files are paths, read at connect time.
 */
export interface TemporalSecurity {
  tls: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
  apiKey?: string;
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

function optional(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function temporalSecurity(env: Env): TemporalSecurity {
  const caFile = optional(env, 'TEMPORAL_TLS_CA_FILE');
  const certFile = optional(env, 'TEMPORAL_TLS_CERT_FILE');
  const keyFile = optional(env, 'TEMPORAL_TLS_KEY_FILE');
  const serverName = optional(env, 'TEMPORAL_TLS_SERVER_NAME');
  const apiKey = optional(env, 'TEMPORAL_API_KEY');
  if (Boolean(certFile) !== Boolean(keyFile)) {
    throw new ConfigError(certFile ? 'TEMPORAL_TLS_KEY_FILE' : 'TEMPORAL_TLS_CERT_FILE', 'must be set with the other half of the client certificate pair');
  }
  // Any TLS setting turns TLS on; the API key is a bearer token and never travels in clear.
  const implied = Boolean(caFile ?? certFile ?? serverName ?? apiKey);
  const tls = boolean(env, 'TEMPORAL_TLS', implied);
  if (!tls && implied) throw new ConfigError('TEMPORAL_TLS', 'cannot be false while a TEMPORAL_TLS_* file, server name or TEMPORAL_API_KEY is set');
  return {
    tls,
    ...(caFile ? { caFile } : {}),
    ...(certFile ? { certFile } : {}),
    ...(keyFile ? { keyFile } : {}),
    ...(serverName ? { serverName } : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}

/** Comma-separated `ip:port` pairs, canonical as checkTargetUrl compares them (`[::1]:8080`). */
function ipPorts(env: Env, name: string): string[] {
  const raw = env[name] ?? '';
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const match = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(entry);
      const port = Number(match?.[2]);
      if (!match?.[1] || port < 1 || port > 65535 || !isIP(match[1].replace(/^\[|\]$/g, ''))) {
        throw new ConfigError(name, `must be a comma-separated list of ip:port pairs, got "${entry}"`);
      }
      return `${new URL(`http://${match[1]}`).hostname}:${port}`;
    });
}

/** An absolute http(s) URL without a trailing slash, query or fragment, e.g. `https://hooks.example.com`. */
function publicUrl(env: Env, name: string): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  const problem = `must be an absolute http(s) URL without a trailing slash, query or fragment (e.g. https://hooks.example.com), got "${raw}"`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, problem);
  }
  if (
    !['http:', 'https:'].includes(url.protocol) ||
    !raw.startsWith(`${url.protocol}//`) ||
    /\s/.test(raw) ||
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    raw.endsWith('/') ||
    raw.includes('?') ||
    raw.includes('#')
  ) {
    throw new ConfigError(name, problem);
  }
  return `${url.origin}${url.pathname === '/' ? '' : url.pathname}`;
}

// A CSP source expression for a whole origin: scheme, host (optionally `*.` for its subdomains),
// port. Nothing else, so a value cannot end the directive or add another.
const FRAME_ORIGIN = /^https?:\/\/(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?$/;

/** Space-separated origins, e.g. `https://app.example.com https://*.example.org`. */
function frameOrigins(env: Env, name: string): string[] {
  const entries = (env[name] ?? '').split(/\s+/).filter((entry) => entry !== '');
  for (const entry of entries) {
    if (!FRAME_ORIGIN.test(entry)) throw new ConfigError(name, `must be space-separated origins such as https://app.example.com, got "${entry}"`);
  }
  return entries.map((entry) => entry.toLowerCase());
}

const LOG_LEVELS = /^(fatal|error|warn|info|debug|trace|silent)$/;

export function loadConfig(env: Env = process.env): Config {
  const adminKey = env.HERALD_ADMIN_KEY;
  if (adminKey !== undefined && adminKey !== '' && adminKey.length < 16) {
    throw new ConfigError('HERALD_ADMIN_KEY', 'must be at least 16 characters long');
  }
  const workerCachedWorkflows = integer(env, 'HERALD_WORKER_CACHED_WORKFLOWS', 250, 2, 100_000);
  const workerWorkflowTaskSlots = integer(env, 'HERALD_WORKER_WORKFLOW_TASK_SLOTS', Math.min(DEFAULT_WORKFLOW_TASK_SLOTS, workerCachedWorkflows), 2, 100_000);
  if (workerWorkflowTaskSlots > workerCachedWorkflows) {
    throw new ConfigError(
      'HERALD_WORKER_WORKFLOW_TASK_SLOTS',
      `must be at most HERALD_WORKER_CACHED_WORKFLOWS (${workerCachedWorkflows}), got ${workerWorkflowTaskSlots}`,
    );
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST', '127.0.0.1'),
    temporalAddress: text(env, 'TEMPORAL_ADDRESS', '127.0.0.1:7233', /^[^\s:]+:\d+$/, 'host:port'),
    temporalNamespace: text(env, 'TEMPORAL_NAMESPACE', 'default'),
    taskQueue: text(env, 'TEMPORAL_TASK_QUEUE', 'herald-deliveries'),
    temporalSecurity: temporalSecurity(env),
    mongodbUrl: text(env, 'MONGODB_URL', 'mongodb://127.0.0.1:27017/herald', /^mongodb(\+srv)?:\/\/.+/, 'a mongodb:// URL'),
    adminKey: adminKey === '' ? undefined : adminKey,
    allowPrivateNetworks: boolean(env, 'HERALD_ALLOW_PRIVATE_NETWORKS', false),
    allowedTargets: ipPorts(env, 'HERALD_ALLOWED_TARGETS'),
    maxBodyBytes: integer(env, 'HERALD_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    logLevel: text(env, 'LOG_LEVEL', 'info', LOG_LEVELS, 'one of fatal, error, warn, info, debug, trace, silent'),
    rateLimitPerMinute: integer(env, 'HERALD_RATE_LIMIT_PER_MINUTE', 6000, 1, 10_000_000),
    rateLimitPerAddressPerMinute: integer(env, 'HERALD_RATE_LIMIT_PER_ADDRESS_PER_MINUTE', 12_000, 1, 10_000_000),
    trustedProxyHops: integer(env, 'HERALD_TRUSTED_PROXY_HOPS', 0, 0, 10),
    requestTimeoutMs: integer(env, 'HERALD_REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000),
    connectionTimeoutMs: integer(env, 'HERALD_CONNECTION_TIMEOUT_MS', 120_000, 1000, 3_600_000),
    keepAliveTimeoutMs: integer(env, 'HERALD_KEEP_ALIVE_TIMEOUT_MS', 72_000, 1000, 3_600_000),
    dependencyCheckIntervalMs: integer(env, 'HERALD_DEPENDENCY_CHECK_MS', 2000, 0, 600_000),
    workerMetricsPort: integer(env, 'HERALD_WORKER_METRICS_PORT', 9464, 0, 65535),
    workerCachedWorkflows,
    workerWorkflowTaskSlots,
    apiRunsWorker: boolean(env, 'HERALD_API_WORKER', true),
    maxInFlightPerWebhook: integer(env, 'HERALD_MAX_IN_FLIGHT_PER_WEBHOOK', 10, 1, 10_000),
    reconcileIntervalSeconds: integer(env, 'HERALD_RECONCILE_INTERVAL_SECONDS', 60, 1, 86_400),
    retentionIntervalSeconds: integer(env, 'HERALD_RETENTION_INTERVAL_SECONDS', 3600, 1, 86_400),
    reconcileGraceSeconds: integer(env, 'HERALD_RECONCILE_GRACE_SECONDS', DEFAULT_RECONCILE_GRACE_SECONDS, 1, 86_400),
    retentionDays: integer(env, 'HERALD_RETENTION_DAYS', DEFAULT_RETENTION_DAYS, 1, 3650),
    encryptionKeys: encryptionKeys(env),
    ...optionalField('publicUrl', publicUrl(env, 'HERALD_PUBLIC_URL')),
    portalFrameAncestors: frameOrigins(env, 'HERALD_PORTAL_FRAME_ANCESTORS'),
  };
}

/** `{key: value}`, or nothing when the value is unset, so an unset optional setting is absent. */
function optionalField<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Parsed once at start-up; the message names the variable and never repeats a key. */
function encryptionKeys(env: Env): Keyring | undefined {
  const raw = env[ENCRYPTION_KEY_VARIABLE];
  if (raw === undefined || raw === '') return undefined;
  try {
    return Keyring.parse(raw);
  } catch (error) {
    if (error instanceof KeyringError) throw new ConfigError(ENCRYPTION_KEY_VARIABLE, error.message);
    throw error;
  }
}

/** The encryption keys, which the API and the worker cannot run without (`npm run dev` makes one). */
export function requireKeyring(config: Pick<Config, 'encryptionKeys'>): Keyring {
  if (config.encryptionKeys) return config.encryptionKeys;
  throw new ConfigError(ENCRYPTION_KEY_VARIABLE, 'is required: it encrypts secrets at rest. Generate one with: echo "k1:$(openssl rand -base64 32)"');
}
