// A webhook's write-only values as stored: its signing secret (and the previous one during a
// rotation), its Basic password, its custom header values and its Ed25519 private key, each sealed
// and bound to the webhook and the field, e.g. `webhook:wh_1:headers.X-Tenant`. What surrounds them
// (the Basic username, the header names, the public key) stays readable: the API shows it.
import type { BasicAuth, SigningKeyPair } from '../../core/domain';
import { stillSigns } from '../../policy/secrets';
import { secretOwner, type Sealed, type SecretBox, type StoredSecret } from '../../security/secretBox';
import type { WebhookDoc } from '../types';

/** The write-only values in clear, as the API gives them. */
export interface ClearSecrets {
  secret?: string;
  auth?: BasicAuth;
  headers?: Array<{ name: string; value: string }>;
  signingKey?: SigningKeyPair;
}

type SealedSecrets = Pick<WebhookDoc, 'secret' | 'auth' | 'headers' | 'signingKey'>;

/** The values a delivery is signed and authenticated with, opened. */
export interface OpenedSecrets {
  secret?: string;
  previousSecret?: string;
  auth?: BasicAuth;
  headers?: Record<string, string>;
  signingKey?: string;
}

const owner = {
  secret: (id: string) => secretOwner('webhook', id, 'secret'),
  previousSecret: (id: string) => secretOwner('webhook', id, 'previousSecret'),
  password: (id: string) => secretOwner('webhook', id, 'auth.password'),
  header: (id: string, name: string) => secretOwner('webhook', id, `headers.${name}`),
  signingKey: (id: string) => secretOwner('webhook', id, 'signingKey'),
};

export class WebhookSecrets {
  constructor(private readonly box: SecretBox) {}

  /** The given values sealed for webhook `id`; absent ones stay absent. */
  seal(id: string, clear: ClearSecrets): SealedSecrets {
    const sealed: SealedSecrets = {};
    if (clear.secret !== undefined) sealed.secret = this.box.seal(clear.secret, owner.secret(id));
    if (clear.auth !== undefined) sealed.auth = { username: clear.auth.username, password: this.box.seal(clear.auth.password, owner.password(id)) };
    if (clear.headers !== undefined) {
      sealed.headers = clear.headers.map(({ name, value }) => ({ name, value: this.box.seal(value, owner.header(id, name)) }));
    }
    if (clear.signingKey !== undefined) {
      sealed.signingKey = { privateKey: this.box.seal(clear.signingKey.privateKey, owner.signingKey(id)), publicKey: clear.signingKey.publicKey };
    }
    return sealed;
  }

  /** The current secret, re-sealed as the previous one (its own field, so its own binding). */
  asPrevious(id: string, current: StoredSecret): Sealed {
    return this.box.seal(this.box.open(current, owner.secret(id)), owner.previousSecret(id));
  }

  /** A previous secret given in clear, sealed for webhook `id`. */
  previous(id: string, secret: string, expiresAt: Date): NonNullable<WebhookDoc['previousSecret']> {
    return { secret: this.box.seal(secret, owner.previousSecret(id)), expiresAt };
  }

  open(doc: WebhookDoc, now: Date): OpenedSecrets {
    const id = doc._id;
    const opened: OpenedSecrets = {};
    if (doc.secret) opened.secret = this.box.open(doc.secret, owner.secret(id));
    if (doc.secret && doc.previousSecret && stillSigns(doc.previousSecret.expiresAt, now)) {
      opened.previousSecret = this.box.open(doc.previousSecret.secret, owner.previousSecret(id));
    }
    if (doc.auth) opened.auth = { username: doc.auth.username, password: this.box.open(doc.auth.password, owner.password(id)) };
    if (doc.headers?.length) opened.headers = Object.fromEntries(doc.headers.map((h) => [h.name, this.box.open(h.value, owner.header(id, h.name))]));
    if (doc.signingKey) opened.signingKey = this.box.open(doc.signingKey.privateKey, owner.signingKey(id));
    return opened;
  }

  /**
   * What re-encryption changes in this record: every value not sealed under the current key, and
   * a previous secret past its grace, which is removed. Undefined when nothing needs changing.
   */
  reencrypt(doc: WebhookDoc, now: Date): { set: Partial<WebhookDoc>; unset: string[] } | undefined {
    const id = doc._id;
    const set: Partial<WebhookDoc> = {};
    const unset: string[] = [];
    if (doc.secret !== undefined && this.box.needsReseal(doc.secret)) set.secret = this.box.reseal(doc.secret, owner.secret(id));
    if (doc.previousSecret) {
      const { secret, expiresAt } = doc.previousSecret;
      if (!stillSigns(expiresAt, now)) unset.push('previousSecret');
      else if (this.box.needsReseal(secret)) set.previousSecret = { secret: this.box.reseal(secret, owner.previousSecret(id)), expiresAt };
    }
    if (doc.auth && this.box.needsReseal(doc.auth.password)) {
      set.auth = { username: doc.auth.username, password: this.box.reseal(doc.auth.password, owner.password(id)) };
    }
    if (doc.headers?.some((h) => this.box.needsReseal(h.value))) {
      set.headers = doc.headers.map(({ name, value }) => ({ name, value: this.box.reseal(value, owner.header(id, name)) }));
    }
    if (doc.signingKey && this.box.needsReseal(doc.signingKey.privateKey)) {
      set.signingKey = { privateKey: this.box.reseal(doc.signingKey.privateKey, owner.signingKey(id)), publicKey: doc.signingKey.publicKey };
    }
    return Object.keys(set).length || unset.length ? { set, unset } : undefined;
  }
}
