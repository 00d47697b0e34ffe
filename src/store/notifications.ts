import { Collection, Db } from 'mongodb';
import { newId } from './ids';

export type NotificationType = 'webhook.deactivated' | 'webhook.test_failed';

export interface NotificationDoc {
  _id: string;
  workspaceId: string;
  type: NotificationType;
  webhookId: string;
  message: string;
  /** The REST call that undoes it, e.g. the activation path of a deactivated webhook (seed 004). */
  activationPath?: string;
  createdAt: Date;
  /** Outcome of sending it to the workspace's notification webhook, when one is set. */
  delivery?: { statusCode?: number; error?: string; at: Date };
}

export class NotificationRepository {
  private readonly collection: Collection<NotificationDoc>;

  constructor(db: Db) {
    this.collection = db.collection<NotificationDoc>('notifications');
  }

  async create(input: Omit<NotificationDoc, '_id' | 'createdAt'>): Promise<NotificationDoc> {
    const doc: NotificationDoc = { ...input, _id: newId('ntf'), createdAt: new Date() };
    await this.collection.insertOne(doc);
    return doc;
  }

  async recordDelivery(id: string, delivery: NonNullable<NotificationDoc['delivery']>): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { delivery } });
  }

  list(workspaceId: string, limit: number, after?: string): Promise<NotificationDoc[]> {
    return this.collection
      .find({ workspaceId, ...(after !== undefined ? { _id: { $gt: after } } : {}) })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
  }
}
