// The outgoing request's headers. Herald's own headers come first and
// a webhook's custom headers can add to them, never replace them: a receiver must be able to
// trust webhook-id, the signature and Content-Type whatever the webhook's configuration says.
import type { BasicAuth } from '../core/domain';
import { signAsymmetric } from './asymmetricSigning';
import { signPayload } from './signing';
import { HERALD_VERSION } from './version';

/**
 * Lower-case names a custom header may not use: Herald's own headers, plus the ones that describe
 * the connection or framing, which undici sets itself (or rejects outright).
 */
export const RESERVED_HEADERS: readonly string[] = [
  'content-type',
  'user-agent',
  'webhook-id',
  'webhook-event-type',
  'webhook-timestamp',
  'webhook-signature',
  'authorization',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
];

const RESERVED = new Set(RESERVED_HEADERS);

export function isReservedHeader(name: string): boolean {
  return RESERVED.has(name.trim().toLowerCase());
}

export const USER_AGENT = `Herald-Webhooks/${HERALD_VERSION}`;

export interface HeaderInputs {
  /** Content-Type value from the encoder. */
  contentType: string;
  /** The delivery id: the same on every retry, the receiver's idempotency key. */
  deliveryId: string;
  eventType: string;
  /** The exact body bytes, needed to sign them. */
  body: string;
  now: Date;
  secret?: string;
  /** The secret before a rotation, while its grace period lasts: signs beside `secret`. */
  previousSecret?: string;
  /** An Ed25519 private key (PKCS#8, base64): adds a `v1a,` signature. */
  signingKey?: string;
  auth?: BasicAuth;
  custom?: Record<string, string>;
}

export function buildHeaders(input: HeaderInputs): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': input.contentType,
    'User-Agent': USER_AGENT,
    'webhook-id': input.deliveryId,
    'webhook-event-type': input.eventType,
  };
  if (input.auth) headers.Authorization = basicAuthorization(input.auth);
  if (input.secret || input.signingKey) {
    const timestampSeconds = Math.floor(input.now.getTime() / 1000);
    headers['webhook-timestamp'] = String(timestampSeconds);
    // Standard Webhooks' multiple signatures, space-separated: a verifier accepts the request when
    // any one matches, so a receiver holding either secret accepts it during a rotation, and one
    // holding only the public key checks the `v1a,` one.
    const secrets = [input.secret, input.previousSecret].filter((secret): secret is string => Boolean(secret));
    const signatures = secrets.map((secret) => signPayload(secret, input.deliveryId, timestampSeconds, input.body));
    if (input.signingKey) signatures.push(signAsymmetric(input.signingKey, input.deliveryId, timestampSeconds, input.body));
    headers['webhook-signature'] = signatures.join(' ');
  }
  for (const [name, value] of Object.entries(input.custom ?? {})) {
    if (!isReservedHeader(name)) headers[name] = value;
  }
  return headers;
}

export function basicAuthorization(auth: BasicAuth): string {
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}
