// Herald's domain vocabulary. Stored documents and API shapes are built from these.

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'expired' | 'cancelled' | 'buffered' | 'dropped' | 'discarded';

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed', 'expired', 'cancelled', 'buffered', 'dropped', 'discarded'];

/** Ended without reaching the receiver: what a recovery resends (POST …/webhooks/{id}/recover). */
export const RECOVERABLE_STATUSES = ['failed', 'expired', 'dropped', 'discarded'] as const satisfies readonly DeliveryStatus[];
export type RecoverableStatus = (typeof RECOVERABLE_STATUSES)[number];

/** Where a recovery stands: its workflow runs, or it ended. */
export const RECOVERY_STATES = ['running', 'completed', 'failed'] as const;
export type RecoveryState = (typeof RECOVERY_STATES)[number];

/** Not ended: still to be attempted, or held for a replay. Cancellable; never deleted by retention. */
export const LIVE_STATUSES: readonly DeliveryStatus[] = ['pending', 'buffered'];

export const LANES = ['priority', 'slow'] as const;
export type Lane = (typeof LANES)[number];

/** The request methods and body formats a webhook may use; the API schema lists these same values. */
export const HTTP_METHODS = ['POST', 'PUT'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export const CONTENT_TYPES = ['json', 'form', 'xml'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/** The lane of a delivery that has not been moved to the slow one. */
export const DEFAULT_LANE: Lane = 'priority';

/** Why an attempt failed; recorded with every failed attempt. */
export type AttemptErrorKind = 'timeout' | 'connection' | 'dns' | 'tls' | 'status' | 'refused-target' | 'other';

export interface Attempt {
  n: number;
  at: string; // ISO time the request started
  durationMs: number;
  statusCode?: number;
  error?: { kind: AttemptErrorKind; message: string };
  responseSnippet?: string; // first 1 KiB of the response body
}

/** The event as the outgoing request carries it: `data` is the exact JSON text received. */
export interface EventRecord {
  id: string;
  type: string;
  family: string;
  app?: string;
  data: string;
  receivedAt: string;
}

export interface BasicAuth {
  username: string;
  password: string;
}

/** An Ed25519 key pair for `v1a` signatures (src/outbound/asymmetricSigning.ts makes and uses it). */
export interface SigningKeyPair {
  /** PKCS#8 DER in base64: stored sealed, never shown. */
  privateKey: string;
  /** `whpk_<base64>`: what the webhook's view shows, for the receiver to verify with. */
  publicKey: string;
}

/** Everything needed to build the outgoing request for one webhook. Secrets included: never returned by the API. */
export interface WebhookTarget {
  id: string;
  url: string;
  method: HttpMethod;
  contentType: ContentType;
  secret?: string;
  /** The secret before the last rotation, only while its grace period lasts. */
  previousSecret?: string;
  /** Ed25519 private key (PKCS#8, base64) for `v1a` signatures, when the webhook has one. */
  signingKey?: string;
  auth?: BasicAuth;
  headers?: Record<string, string>;
  payloadTemplate?: string;
  successCodes?: number[];
  timeoutMs?: number;
}

/** What a notification to the workspace says happened to one of its webhooks. */
export const NOTIFICATION_TYPES = ['webhook.deactivated', 'webhook.reactivated'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
