import { Collection, Db, Filter } from 'mongodb';
import type { DeliveryStatus, EventRecord } from '../core/domain';
import { eventKey } from '../core/ids';
import { isDuplicateKey } from './mongo';

export interface DeliveryRef {
  id: string;
  webhookId: string;
  status: DeliveryStatus;
}

export interface EventDoc {
  _id: string; // eventKey(workspaceId, eventId)
  workspaceId: string;
  eventId: string;
  type: string;
  family: string;
  app?: string;
  data: string; // the exact JSON text received, so signatures stay byte-stable
  receivedAt: Date;
  deliveries: DeliveryRef[];
}

export function toEventRecord(doc: EventDoc): EventRecord {
  const record: EventRecord = {
    id: doc.eventId,
    type: doc.type,
    family: doc.family,
    data: doc.data,
    receivedAt: doc.receivedAt.toISOString(),
  };
  if (doc.app !== undefined) record.app = doc.app;
  return record;
}

export class EventRepository {
  private readonly collection: Collection<EventDoc>;

  constructor(db: Db) {
    this.collection = db.collection<EventDoc>('events');
  }

  /** Stores the event unless its id was seen before; then the first stored version wins. */
  async insertOnce(doc: Omit<EventDoc, '_id'>): Promise<{ doc: EventDoc; duplicate: boolean }> {
    const full: EventDoc = { ...doc, _id: eventKey(doc.workspaceId, doc.eventId) };
    try {
      await this.collection.insertOne(full);
      return { doc: full, duplicate: false };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.collection.findOne({ _id: full._id });
      if (!existing) throw error;
      return { doc: existing, duplicate: true };
    }
  }

  get(workspaceId: string, eventId: string): Promise<EventDoc | null> {
    return this.collection.findOne({ _id: eventKey(workspaceId, eventId) });
  }

  /** Events of these keys (eventKey) that exist. */
  byIds(ids: string[]): Promise<EventDoc[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.collection.find({ _id: { $in: ids } }).toArray();
  }

  /** Events received before `before`, a page at a time in `_id` order, for retention. */
  receivedBefore(before: Date, afterId: string | null, limit: number): Promise<EventDoc[]> {
    const query: Filter<EventDoc> = { receivedAt: { $lt: before } };
    if (afterId !== null) query._id = { $gt: afterId };
    return this.collection
      .find(query, { projection: { data: 0 } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
  }

  async deleteMany(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.collection.deleteMany({ _id: { $in: ids } })).deletedCount;
  }
}
