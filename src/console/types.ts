// What the console reads from Herald's public REST API (/v1), as the API documents it. The console
// is a client like any other: it imports nothing from the server's code.

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'expired', 'cancelled', 'buffered', 'dropped', 'discarded'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The ended statuses a recovery can resend. */
export const RECOVERABLE_STATUSES = ['failed', 'expired', 'dropped', 'discarded'] as const;
export type RecoverableStatus = (typeof RECOVERABLE_STATUSES)[number];

export const HTTP_METHODS = ['POST', 'PUT'] as const;
export const CONTENT_TYPES = ['json', 'form', 'xml'] as const;
export const RETRY_PRESETS = ['fixed', 'progressive', 'max-attempts'] as const;

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: string[];
  app?: string;
  method: (typeof HTTP_METHODS)[number];
  contentType: (typeof CONTENT_TYPES)[number];
  active: boolean;
  hasSecret: boolean;
  /** Only in the answer that generated it. */
  secret?: string;
  previousSecretExpiresAt?: string;
  retryPolicy: Record<string, unknown>;
  timeoutMs: number;
  deactivatedAt?: string;
  deactivationReason?: string;
  bufferUntil?: string;
  /** GET of one webhook only. */
  bufferedDeliveries?: number;
  failureStreak?: { count: number; since: string };
  replay?: { total: number; done: number; startedAt: string };
  createdAt: string;
  updatedAt: string;
}

export interface Attempt {
  n: number;
  at: string;
  durationMs: number;
  statusCode?: number;
  error?: { kind: string; message: string };
  responseSnippet?: string;
}

export interface DeliveryRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  webhookId: string;
  status: DeliveryStatus;
  lane: string;
  attempts: Attempt[];
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** GET of one delivery, on a Herald that rebuilds the request it sends. */
  request?: DeliveryRequest;
}

export interface StatsBucket {
  start: string;
  succeeded: number;
  failed: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export type StatsWindow = 'hour' | 'day';

export interface Stats {
  window: StatsWindow;
  since: string;
  total: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  buckets: StatsBucket[];
}

export interface Recovery {
  id: string;
  webhookId: string;
  since: string;
  until: string;
  statuses: RecoverableStatus[];
  state: 'running' | 'completed' | 'failed';
  matched: number | null;
  resent: number;
  skipped: number;
  createdAt: string;
  finishedAt: string | null;
  error?: string;
}

export interface EventDelivery {
  id: string;
  webhookId: string;
  status: DeliveryStatus;
  attempts: number;
}

export interface EventRecord {
  id: string;
  type: string;
  receivedAt: string;
  /** The payload as received. */
  data: string;
  deliveries: EventDelivery[];
}

export interface Notification {
  id: string;
  type: string;
  webhookId: string;
  message: string;
  activationPath?: string;
  activationUrl?: string;
  deliveryId?: string;
  createdAt: string;
}

export interface Workspace {
  id: string;
  name: string;
  createdAt: string;
}

export interface EventType {
  name: string;
  description: string;
  family: string;
}

export interface TestRun {
  startedAt: string;
  testsRun: number;
  testsSucceeded: number;
  testsFailed: number;
  tests: Array<{ event: string; statusCode: number | null; durationMs: number; error: string | null }>;
}

/** A portal link as minted: the token (and, with HERALD_PUBLIC_URL, the url) only in this answer. */
export interface PortalLink {
  id: string;
  token: string;
  url?: string;
  expiresAt: string;
  webhookIds?: string[];
  app?: string;
  scopes: string[];
  createdAt: string;
}

/** Who the credential is, from GET /v1/session (or worked out without it on an older Herald). */
export interface Session {
  kind: 'admin' | 'workspace' | 'portal';
  workspaceId?: string;
  scopes?: string[];
  webhookIds?: string[];
  app?: string;
  expiresAt?: string;
}

/** One page of a list and the cursor of the next (null on the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
