// Document shapes that more than one store file needs, so that no two repositories import each
// other: webhooks.ts and workspaces.ts share the deactivation settings and the notification
// secrets, webhooks.ts and sealing/webhookSecrets.ts share the webhook document.
import type { ContentType, HttpMethod } from '../core/domain';
import type { DeactivationRule } from '../policy/endpointHealth';
import type { RetryPolicyInput } from '../policy/types';
import type { Sealed, StoredSecret } from '../security/secretBox';

export interface WebhookDoc {
  _id: string;
  workspaceId: string;
  name: string;
  url: string;
  events: string[];
  app?: string;
  method: HttpMethod;
  contentType: ContentType;
  active: boolean;
  // The write-only values are sealed (src/security/secretBox.ts); webhookSecrets.ts says how.
  secret?: StoredSecret;
  /** The secret before the last rotation: it signs beside `secret` until `expiresAt`. */
  previousSecret?: { secret: Sealed; expiresAt: Date };
  auth?: { username: string; password: StoredSecret };
  // Stored as pairs, never as an object keyed by user input.
  headers?: Array<{ name: string; value: StoredSecret }>;
  /** An Ed25519 key pair for `v1a` signatures: the private key sealed, the public one shown. */
  signingKey?: { privateKey: Sealed; publicKey: string };
  payloadTemplate?: string;
  retryPolicy: RetryPolicyInput;
  successCodes?: number[];
  timeoutMs?: number;
  deactivation?: WebhookDeactivation;
  // The health state below is written only by the webhook's endpoint-health workflow
  // (workflows/endpointHealth/); the API and ingest read it.
  deactivatedAt?: Date;
  deactivationReason?: string;
  /** While inactive: new events are `buffered` until then, `dropped` after. */
  bufferUntil?: Date;
  /** While a replay of the buffer runs: new events wait behind it (`buffered`). */
  replay?: { total: number; done: number; startedAt: Date };
  /** Consecutive failed attempts, kept by the attempt activity; absent while the endpoint is healthy. */
  failureStreak?: { count: number; since: Date };
  /** `notification`: the workspace's notification endpoint, never listed or matched as a webhook. */
  kind?: 'notification';
  createdAt: Date;
  updatedAt: Date;
}

/** The deactivation rule's overrides and the buffer window, per webhook or per workspace. */
export type WebhookDeactivation = Partial<DeactivationRule> & { bufferSeconds?: number };

/** The secrets that sign notifications, opened: the current one, and the previous one while it still signs. */
export interface NotificationSecrets {
  secret?: string;
  previous?: { secret: string; expiresAt: Date };
}
