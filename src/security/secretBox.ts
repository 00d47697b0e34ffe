// Secrets at rest: AES-256-GCM under the keyring's current key. A sealed value names its key, so
// an older key still opens it, and is bound (as GCM's additional data) to the record and field it
// belongs to, so a ciphertext copied into another webhook, workspace or field does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring';

/** GCM's recommended nonce size; random per seal, so never reused under one key. */
const IV_BYTES = 12;
const ALGORITHM = 'aes-256-gcm';
/** The full 16-byte tag, required on opening: a truncated tag would be easier to forge. */
const TAG_BYTES = 16;

/** A sealed secret as stored: the key id and base64 IV, ciphertext and authentication tag. */
export interface Sealed {
  keyId: string;
  iv: string;
  data: string;
  tag: string;
}

/**
 * A write-only value as a record holds it: sealed, or a plain string written before secrets were
 * encrypted. The plain form is still read, and `npm run secrets:reencrypt` seals it.
 */
export type StoredSecret = Sealed | string;

/** What a sealed value belongs to, e.g. `webhook:wh_123:secret`: its additional data. */
export function secretOwner(collection: 'webhook' | 'workspace', id: string, field: string): string {
  return `${collection}:${id}:${field}`;
}

/** A sealed value that does not open: a wrong or missing key, or altered data. Names the owner only. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

export class SecretBox {
  constructor(private readonly keyring: Keyring) {}

  seal(plain: string, owner: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keyring.currentKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(owner, 'utf8'));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return { keyId: this.keyring.currentId, iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }

  open(stored: StoredSecret, owner: string): string {
    if (typeof stored === 'string') return stored;
    let key: Buffer;
    try {
      key = this.keyring.key(stored.keyId);
    } catch (error) {
      throw new SecretBoxError(`cannot decrypt ${owner}: ${(error as Error).message}`);
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(stored.iv, 'base64'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(owner, 'utf8'));
      decipher.setAuthTag(Buffer.from(stored.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(stored.data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(`cannot decrypt ${owner}: the data was altered or belongs to another record`);
    }
  }

  /** Whether the value is plain, or sealed under a key that is no longer the current one. */
  needsReseal(stored: StoredSecret): boolean {
    return typeof stored === 'string' || stored.keyId !== this.keyring.currentId;
  }

  /** The value sealed under the current key; as it is when it already is. */
  reseal(stored: StoredSecret, owner: string): Sealed {
    if (!this.needsReseal(stored)) return stored as Sealed;
    return this.seal(this.open(stored, owner), owner);
  }
}
