// Standard Webhooks signatures, verifiable by the `standardwebhooks` and
// `svix` libraries: `v1,` + base64 HMAC-SHA256 of "{msgId}.{timestamp}.{body}", keyed with the
// base64-decoded part of a `whsec_` secret.
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** 24 random bytes, the size Svix generates. */
const GENERATED_SECRET_BYTES = 24;

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A secret that cannot be used for signing. */
export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/** For `secret: true` on webhook creation. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(GENERATED_SECRET_BYTES).toString('base64');
}

/**
 * Applied by the API before a user-supplied secret is stored, so the signer only ever sees the
 * `whsec_` form:
 * - `whsec_<base64>` is kept as is (it must be strict, padded base64 of at least one byte, which
 *   is what the standardwebhooks verifier decodes);
 * - anything else is taken as the raw key: `whsec_` + base64(UTF-8 bytes). A receiver holding
 *   the plain secret (e.g. "QWZTFnMEXhqZKNmu") verifies with
 *   `new Webhook(secret, { format: 'raw' })`, or with the normalised `whsec_` form.
 */
export function normalizeSecret(secret: string): string {
  if (secret.length === 0) throw new SecretError('secret must not be empty');
  if (!secret.startsWith(SECRET_PREFIX)) return SECRET_PREFIX + Buffer.from(secret, 'utf8').toString('base64');
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (encoded.length === 0 || !STRICT_BASE64.test(encoded)) {
    throw new SecretError(`a secret starting with ${SECRET_PREFIX} must continue with base64`);
  }
  return secret;
}

/** The `webhook-signature` header value. Requires a normalised (`whsec_`) secret. */
export function signPayload(secret: string, msgId: string, timestampSeconds: number, body: string): string {
  if (!secret.startsWith(SECRET_PREFIX)) {
    throw new SecretError(`secret must start with ${SECRET_PREFIX}; store it through normalizeSecret`);
  }
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const digest = createHmac('sha256', key).update(`${msgId}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return `v1,${digest}`;
}
