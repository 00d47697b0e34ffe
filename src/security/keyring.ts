// The keys that encrypt secrets at rest, from HERALD_ENCRYPTION_KEY: `id:base64,id:base64,...`,
// each key 32 random bytes. The first encrypts; every listed one decrypts. So a key rotates
// without downtime: list the new one after the old (every process can read it), then first (new
// writes use it), run `npm run secrets:reencrypt`, then drop the old one.
import { randomBytes } from 'node:crypto';

export const ENCRYPTION_KEY_VARIABLE = 'HERALD_ENCRYPTION_KEY';

/** AES-256 takes a 32-byte key. */
export const KEY_BYTES = 32;

// Stored beside every ciphertext, so it stays short and plain.
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A key list that cannot be used. The message never repeats key material. */
export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

export class Keyring {
  // A private field: a Config or Keyring that ends up in a log or JSON shows no key bytes.
  readonly #keys: ReadonlyMap<string, Buffer>;

  private constructor(
    keys: Map<string, Buffer>,
    /** The id of the key that encrypts. */
    readonly currentId: string,
  ) {
    this.#keys = keys;
  }

  /** Parses the variable's value; KeyringError says what is wrong, by position and id only. */
  static parse(spec: string): Keyring {
    const keys = new Map<string, Buffer>();
    const entries = spec.split(',').map((entry) => entry.trim());
    for (const [index, entry] of entries.entries()) {
      const where = `entry ${index + 1}`;
      const colon = entry.indexOf(':');
      if (colon < 0) throw new KeyringError(`${where} must be id:base64-key (e.g. k1:<32 random bytes in base64>)`);
      const id = entry.slice(0, colon);
      const encoded = entry.slice(colon + 1);
      if (!KEY_ID.test(id)) throw new KeyringError(`${where} has an id that is not 1 to 32 letters, digits, _ or -`);
      if (keys.has(id)) throw new KeyringError(`key id "${id}" is listed twice`);
      const key = Buffer.from(encoded, 'base64');
      if (!BASE64.test(encoded) || key.length !== KEY_BYTES) {
        throw new KeyringError(`key "${id}" must be ${KEY_BYTES} bytes in base64 (generate one with: openssl rand -base64 32)`);
      }
      keys.set(id, key);
    }
    return new Keyring(keys, entries[0].slice(0, entries[0].indexOf(':')));
  }

  /** The key with this id; KeyringError when the list no longer holds it. */
  key(id: string): Buffer {
    const key = this.#keys.get(id);
    if (!key) throw new KeyringError(`key id "${id}" is not in ${ENCRYPTION_KEY_VARIABLE}`);
    return key;
  }

  get currentKey(): Buffer {
    return this.key(this.currentId);
  }

  get ids(): string[] {
    return [...this.#keys.keys()];
  }

  toJSON(): { currentId: string; ids: string[] } {
    return { currentId: this.currentId, ids: this.ids };
  }
}

/** A fresh one-key value for HERALD_ENCRYPTION_KEY. */
export function generateKeySpec(id = 'k1'): string {
  if (!KEY_ID.test(id)) throw new KeyringError(`key id "${id}" is not 1 to 32 letters, digits, _ or -`);
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}
