// The capability in a deactivated webhook's activation link: who may switch which webhook back on,
// after which deactivation, until when. A token is its claims in base64url JSON and an HMAC-SHA256
// of them under a key derived (HKDF) from the encryption key named in the claims, so it needs no
// configuration of its own, follows the key's rotation, and can be neither guessed nor altered.
// Whether it was used already is the store's to say (src/store/activationLinks.ts).
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Keyring } from './keyring';

/** What a token grants, and binds it to. Times are epoch ms. */
export interface ActivationClaims {
  workspaceId: string;
  webhookId: string;
  /** The `webhook.deactivated` notification the link came with: one deactivation, one link. */
  notificationId: string;
  /** When that deactivation happened: a link for an earlier one does not switch on a later one. */
  deactivatedAtMs: number;
  /** The end of the webhook's buffer window: the link is refused from then on. */
  expiresAtMs: number;
}

/** Why a token is refused before anything is looked up: `invalid` (malformed or altered) or `expired`. */
export type TokenProblem = 'invalid' | 'expired';

export type TokenCheck = { ok: true; claims: ActivationClaims } | { ok: false; problem: TokenProblem };

/** HKDF's `info`: a key derived for these links signs nothing else, and seals nothing. */
const KEY_PURPOSE = 'herald/activation-link/v1';
const KEY_BYTES = 32;
const VERSION = 1;
/** Far above any real token (about 300 characters): a longer one is refused before it is decoded. */
export const MAX_TOKEN_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The claims as they travel: short names, so the link stays short. */
interface WireClaims {
  v: number;
  k: string;
  w: string;
  h: string;
  n: string;
  d: number;
  e: number;
}

const isWire = (value: unknown): value is WireClaims => {
  const wire = value as Partial<WireClaims> | null;
  return (
    typeof wire === 'object' &&
    wire !== null &&
    wire.v === VERSION &&
    [wire.k, wire.w, wire.h, wire.n].every((field) => typeof field === 'string' && field.length > 0) &&
    [wire.d, wire.e].every((field) => Number.isSafeInteger(field))
  );
};

export class ActivationTokens {
  readonly #keyring: Keyring;
  readonly #keys = new Map<string, Buffer>();

  constructor(keyring: Keyring) {
    this.#keyring = keyring;
  }

  /** A token for the claims, signed under the keyring's current key. */
  sign(claims: ActivationClaims): string {
    const wire: WireClaims = {
      v: VERSION,
      k: this.#keyring.currentId,
      w: claims.workspaceId,
      h: claims.webhookId,
      n: claims.notificationId,
      d: claims.deactivatedAtMs,
      e: claims.expiresAtMs,
    };
    const payload = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
    return `${payload}.${this.mac(wire.k, payload).toString('base64url')}`;
  }

  /**
   * The claims of a token signed by this keyring's keys and not expired at `nowMs`. The signature
   * is checked before expiry, so an altered expiry reads as altered, and compared in constant time.
   */
  verify(token: string, nowMs: number): TokenCheck {
    const invalid = { ok: false, problem: 'invalid' } as const;
    if (token.length > MAX_TOKEN_LENGTH) return invalid;
    const parts = token.split('.');
    if (parts.length !== 2 || !parts.every((part) => BASE64URL.test(part))) return invalid;
    const [payload, signature] = parts as [string, string];
    let wire: unknown;
    try {
      wire = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return invalid;
    }
    // A key no longer listed cannot vouch for anything: the link is refused like an altered one.
    if (!isWire(wire) || !this.#keyring.ids.includes(wire.k)) return invalid;
    const expected = this.mac(wire.k, payload);
    const given = Buffer.from(signature, 'base64url');
    // Base64 decoding ignores stray trailing bits: only the one spelling of the signature counts.
    if (given.length !== expected.length || given.toString('base64url') !== signature || !timingSafeEqual(given, expected)) return invalid;
    if (nowMs >= wire.e) return { ok: false, problem: 'expired' };
    return {
      ok: true,
      claims: { workspaceId: wire.w, webhookId: wire.h, notificationId: wire.n, deactivatedAtMs: wire.d, expiresAtMs: wire.e },
    };
  }

  private mac(keyId: string, payload: string): Buffer {
    return createHmac('sha256', this.key(keyId)).update(payload, 'utf8').digest();
  }

  /** The link-signing key of one encryption key: HKDF-SHA256 with a purpose of its own. */
  private key(keyId: string): Buffer {
    let key = this.#keys.get(keyId);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.#keyring.key(keyId), Buffer.alloc(0), KEY_PURPOSE, KEY_BYTES));
      this.#keys.set(keyId, key);
    }
    return key;
  }
}
