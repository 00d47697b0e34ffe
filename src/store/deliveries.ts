import { Collection, Db, Filter } from 'mongodb';
import type { Attempt, DeliveryStatus, Lane } from '../domain';
import { newId } from './ids';
import { isDuplicateKey } from './mongo';

export interface DeliveryDoc {
  _id: string; // delivery/{ws}/{eventId}/{webhookId}, also the workflow id
  seq: string; // time-ordered, for cursor pagination
  workspaceId: string;
  eventId: string;
  eventType: string;
  webhookId: string;
  status: DeliveryStatus;
  lane: Lane;
  attempts: Attempt[];
  nextAttemptAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeliveryFilter {
  webhookId?: string;
  eventId?: string;
  status?: DeliveryStatus;
  after?: string;
  limit: number;
}

export function deliveryId(workspaceId: string, eventId: string, webhookId: string): string {
  return `delivery/${workspaceId}/${eventId}/${webhookId}`;
}

export interface DeliveryProgress {
  status: DeliveryStatus;
  lane?: Lane;
  nextAttemptAt?: Date | null;
}

export class DeliveryRepository {
  private readonly collection: Collection<DeliveryDoc>;

  constructor(db: Db) {
    this.collection = db.collection<DeliveryDoc>('deliveries');
  }

  /** Creates the pending records of a newly ingested event; ones that exist already are kept. */
  async createPending(workspaceId: string, eventId: string, eventType: string, webhookIds: string[]): Promise<void> {
    if (webhookIds.length === 0) return;
    const now = new Date();
    const docs: DeliveryDoc[] = webhookIds.map((webhookId) => ({
      _id: deliveryId(workspaceId, eventId, webhookId),
      seq: newId('d'),
      workspaceId,
      eventId,
      eventType,
      webhookId,
      status: 'pending',
      lane: 'priority',
      attempts: [],
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    }));
    try {
      await this.collection.insertMany(docs, { ordered: false });
    } catch (error) {
      // A retried ingest finds some records already there; that is the point of idempotency.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  get(workspaceId: string, id: string): Promise<DeliveryDoc | null> {
    return this.collection.findOne({ _id: id, workspaceId });
  }

  getById(id: string): Promise<DeliveryDoc | null> {
    return this.collection.findOne({ _id: id });
  }

  list(workspaceId: string, filter: DeliveryFilter): Promise<DeliveryDoc[]> {
    const query: Filter<DeliveryDoc> = { workspaceId };
    if (filter.webhookId !== undefined) query.webhookId = filter.webhookId;
    if (filter.eventId !== undefined) query.eventId = filter.eventId;
    if (filter.status !== undefined) query.status = filter.status;
    if (filter.after !== undefined) query.seq = { $gt: filter.after };
    return this.collection.find(query).sort({ seq: 1 }).limit(filter.limit).toArray();
  }

  /**
   * Appends one attempt and the state that follows from it, in one write, while the record is
   * pending. A record that stopped being pending meanwhile (cancelled through the API) keeps its
   * status and still gets the attempt; then the answer is false.
   */
  async recordAttempt(id: string, attempt: Attempt, progress: DeliveryProgress): Promise<boolean> {
    const updatedAt = new Date();
    const result = await this.collection.updateOne(
      { _id: id, status: 'pending' },
      { $push: { attempts: attempt }, $set: { ...progress, updatedAt } },
    );
    if (result.matchedCount === 1) return true;
    await this.collection.updateOne({ _id: id }, { $push: { attempts: attempt }, $set: { updatedAt } });
    return false;
  }

  async setProgress(id: string, progress: DeliveryProgress): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { ...progress, updatedAt: new Date() } });
  }

  /** Like setProgress, only while the record's status is one of `from`; false when it was not. */
  async setProgressFrom(id: string, from: DeliveryStatus[], progress: DeliveryProgress): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: id, status: { $in: from } }, { $set: { ...progress, updatedAt: new Date() } });
    return result.matchedCount === 1;
  }

  /** Buffered deliveries of one webhook in their original order, for replay or discard. */
  bufferedOfWebhook(workspaceId: string, webhookId: string): Promise<DeliveryDoc[]> {
    return this.collection.find({ workspaceId, webhookId, status: 'buffered' }).sort({ seq: 1 }).toArray();
  }

  /** Pending deliveries of one webhook, for cancelling them when the webhook is deleted. */
  async pendingOfWebhook(workspaceId: string, webhookId: string): Promise<DeliveryDoc[]> {
    return this.collection.find({ workspaceId, webhookId, status: { $in: ['pending', 'buffered'] } }).toArray();
  }
}
