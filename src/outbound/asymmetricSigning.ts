// Standard Webhooks' asymmetric signatures, for receivers that must not hold a key able to sign:
// `v1a,` + base64 Ed25519 signature of "{msgId}.{timestamp}.{body}" (the content `v1,` signs).
// Herald keeps the private key (sealed at rest); the receiver verifies with the public key, shown
// as `whpk_` + base64 of its 32 raw bytes.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { SigningKeyPair } from '../core/domain';

export const PUBLIC_KEY_PREFIX = 'whpk_';

export function generateSigningKeyPair(): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  return { privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'), publicKey: PUBLIC_KEY_PREFIX + raw.toString('base64') };
}

/** One `v1a,` entry of the `webhook-signature` header. */
export function signAsymmetric(privateKey: string, msgId: string, timestampSeconds: number, body: string): string {
  const key = createPrivateKey({ key: Buffer.from(privateKey, 'base64'), format: 'der', type: 'pkcs8' });
  return `v1a,${sign(null, Buffer.from(`${msgId}.${timestampSeconds}.${body}`, 'utf8'), key).toString('base64')}`;
}

/** A `whpk_` public key as node:crypto takes it, for a receiver (or a test) to verify with. */
export function publicKeyObject(publicKey: string) {
  const raw = Buffer.from(publicKey.slice(PUBLIC_KEY_PREFIX.length), 'base64');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}
