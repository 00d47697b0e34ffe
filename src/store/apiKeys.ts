import { createHash } from 'node:crypto';
import { Collection, Db } from 'mongodb';
import { newId, newSecretToken } from './ids';

export const SCOPES = ['webhooks:read', 'webhooks:write', 'events:write', 'deliveries:read', 'deliveries:write'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyDoc {
  _id: string;
  workspaceId: string;
  name?: string;
  hash: string; // sha256 of the key; the key itself is shown once and never stored
  scopes: Scope[];
  createdAt: Date;
  revokedAt?: Date;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export class ApiKeyRepository {
  private readonly collection: Collection<ApiKeyDoc>;

  constructor(db: Db) {
    this.collection = db.collection<ApiKeyDoc>('apiKeys');
  }

  /** Returns the stored record and the plaintext key, which the caller shows exactly once. */
  async create(workspaceId: string, scopes: Scope[], name?: string): Promise<{ doc: ApiKeyDoc; key: string }> {
    const key = `hk_${newSecretToken(30)}`;
    const doc: ApiKeyDoc = { _id: newId('key'), workspaceId, hash: hashKey(key), scopes, createdAt: new Date() };
    if (name !== undefined) doc.name = name;
    await this.collection.insertOne(doc);
    return { doc, key };
  }

  async findActiveByKey(key: string): Promise<ApiKeyDoc | null> {
    const doc = await this.collection.findOne({ hash: hashKey(key) });
    return doc && !doc.revokedAt ? doc : null;
  }

  /** Whether the key with this id exists and is not revoked. */
  async isActive(id: string): Promise<boolean> {
    const doc = await this.collection.findOne({ _id: id }, { projection: { revokedAt: 1 } });
    return doc !== null && !doc.revokedAt;
  }

  list(workspaceId: string): Promise<ApiKeyDoc[]> {
    return this.collection.find({ workspaceId }).sort({ _id: 1 }).toArray();
  }

  async revoke(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: id, workspaceId }, { $set: { revokedAt: new Date() } });
    return result.matchedCount === 1;
  }
}
