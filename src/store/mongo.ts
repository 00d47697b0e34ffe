import { Db, MongoClient, MongoServerError } from 'mongodb';

export interface Mongo {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

export async function connectMongo(url: string): Promise<Mongo> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000, maxPoolSize: 50 });
  await client.connect();
  const db = client.db();
  return { client, db, close: () => client.close() };
}

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/** FerretDB answers buildInfo with its own version beside the MongoDB one it emulates. */
export async function isFerretDB(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
}

/**
 * One index per query shape, for MongoDB. FerretDB v1 would build them but plans only `_id`
 * lookups with an index (which is why the hot path addresses documents by `_id`), so there they
 * would only slow every write: on FerretDB only the `_id` indexes exist. Only what FerretDB v1 and
 * MongoDB 7 share: plain ascending compound indexes.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  if (await isFerretDB(db)) return;
  await Promise.all([
    db.collection('apiKeys').createIndex({ hash: 1 }),
    db.collection('apiKeys').createIndex({ workspaceId: 1, _id: 1 }),
    db.collection('webhooks').createIndex({ workspaceId: 1, _id: 1 }),
    db.collection('webhooks').createIndex({ workspaceId: 1, events: 1 }), // ingest's match
    db.collection('deliveries').createIndex({ workspaceId: 1, seq: 1 }),
    db.collection('deliveries').createIndex({ workspaceId: 1, webhookId: 1, seq: 1 }),
    db.collection('deliveries').createIndex({ workspaceId: 1, status: 1, seq: 1 }), // the queue by status
    db.collection('deliveries').createIndex({ workspaceId: 1, eventId: 1, seq: 1 }), // the queue by event
    db.collection('deliveries').createIndex({ workspaceId: 1, webhookId: 1, status: 1, seq: 1 }), // a webhook's buffer
    db.collection('deliveries').createIndex({ status: 1, nextAttemptAt: 1 }), // the reconciler
    db.collection('deliveries').createIndex({ status: 1, updatedAt: 1 }), // retention, buffered stragglers
    db.collection('deliveries').createIndex({ status: 1, preset: 1, createdAt: 1 }), // retention of fixed
    db.collection('deliveries').createIndex({ workspaceId: 1, webhookId: 1, status: 1, createdAt: 1, _id: 1 }), // a recovery's pages
    db.collection('deliveries').createIndex({ workspaceId: 1, webhookId: 1, updatedAt: 1 }), // a webhook's stats
    db.collection('recoveries').createIndex({ workspaceId: 1, webhookId: 1, _id: 1 }), // a webhook's recoveries
    db.collection('events').createIndex({ receivedAt: 1 }), // retention
    db.collection('notifications').createIndex({ createdAt: 1 }), // retention
    db.collection('notifications').createIndex({ workspaceId: 1, _id: 1 }),
    db.collection('usedActivationLinks').createIndex({ usedAt: 1 }), // retention
    db.collection('eventTypes').createIndex({ workspaceId: 1, name: 1 }),
    db.collection('portalLinks').createIndex({ expiresAt: 1 }), // retention
  ]);
}
