import { createHash, timingSafeEqual } from 'node:crypto';
import { Collection, Db } from 'mongodb';
import { portalLinkLive, type PortalScope } from '../policy/portal';
import type { Scope } from './apiKeys';
import { newId, newSecretToken } from './ids';

/**
 * A customer portal link. Its token is shown once, in the create response; only its SHA-256 is
 * stored, like an API key's. The scope is kept as plain fields (never an object keyed by input).
 */
export interface PortalLinkDoc {
  _id: string;
  workspaceId: string;
  hash: string;
  webhookIds?: string[];
  app?: string;
  /** The minting key's scopes (all of them for the admin key): a link can do no more than its maker. */
  scopes: Scope[];
  /**
   * Who minted it, as the rate limiter names callers: `key:<id>` or `admin`. The link's requests
   * spend that budget (links multiply none), and the link dies with that key.
   */
  mintedBy: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt?: Date;
}

export interface NewPortalLink {
  scope: PortalScope;
  scopes: Scope[];
  mintedBy: string;
  expiresAt: Date;
}

// `hpt_<link id>.<secret>`: the link's id travels in the token, so the lookup is by `_id`, the one
// lookup FerretDB serves from an index, and costs the same however many links were ever minted.
// The secret part is what the hash protects; the prefix tells a portal token from an API key.
const TOKEN_PREFIX = 'hpt_';
const TOKEN = /^hpt_(pl_[0-9a-z]{1,40})\.([A-Za-z0-9_-]{20,100})$/;

/** Whether a bearer key is shaped like a portal token (`hpt_…`), valid or not. */
export function isPortalToken(key: string): boolean {
  return key.startsWith(TOKEN_PREFIX);
}

const digest = (token: string) => createHash('sha256').update(token).digest();

export function scopeOfLink(doc: Pick<PortalLinkDoc, 'webhookIds' | 'app'>): PortalScope {
  return doc.webhookIds !== undefined ? { webhookIds: doc.webhookIds } : { app: doc.app ?? '' };
}

export class PortalLinkRepository {
  private readonly collection: Collection<PortalLinkDoc>;

  constructor(db: Db) {
    this.collection = db.collection<PortalLinkDoc>('portalLinks');
  }

  /** Returns the stored record and the token, which the caller shows exactly once. */
  async create(workspaceId: string, link: NewPortalLink, now: Date = new Date()): Promise<{ doc: PortalLinkDoc; token: string }> {
    const id = newId('pl');
    const token = `${TOKEN_PREFIX}${id}.${newSecretToken(30)}`;
    const doc: PortalLinkDoc = {
      _id: id,
      workspaceId,
      hash: digest(token).toString('hex'),
      ...link.scope,
      scopes: link.scopes,
      mintedBy: link.mintedBy,
      createdAt: now,
      expiresAt: link.expiresAt,
    };
    await this.collection.insertOne(doc);
    return { doc, token };
  }

  /**
   * The link a token opens at `now`: null when the token is malformed, unknown, revoked or
   * expired. The hashes are compared in constant time; the id alone opens nothing.
   */
  async findActiveByToken(token: string, now: Date = new Date()): Promise<PortalLinkDoc | null> {
    const match = TOKEN.exec(token);
    if (!match?.[1]) return null;
    const doc = await this.collection.findOne({ _id: match[1] });
    if (!doc || doc.revokedAt || !portalLinkLive(doc.expiresAt, now)) return null;
    const stored = Buffer.from(doc.hash, 'hex');
    const presented = digest(token);
    return stored.length === presented.length && timingSafeEqual(stored, presented) ? doc : null;
  }

  /** Deletes up to `limit` links that expired before `before` (they open nothing); how many it deleted. */
  async sweep(before: Date, limit: number): Promise<number> {
    const ids = (
      await this.collection
        .find({ expiresAt: { $lt: before } }, { projection: { _id: 1 } })
        .limit(limit)
        .toArray()
    ).map((doc) => doc._id);
    if (ids.length === 0) return 0;
    return (await this.collection.deleteMany({ _id: { $in: ids } })).deletedCount;
  }

  /** Revokes the link at once; false when the workspace has no such link. */
  async revoke(workspaceId: string, id: string, now: Date = new Date()): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: id, workspaceId }, { $set: { revokedAt: now } });
    return result.matchedCount === 1;
  }
}
