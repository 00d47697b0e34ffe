import { Collection, Db } from 'mongodb';
import type { NotificationType } from '../core/domain';
import { isDuplicateKey } from './mongo';

export interface NotificationDoc {
  _id: string;
  workspaceId: string;
  type: NotificationType;
  webhookId: string;
  message: string;
  /** The REST call that undoes it, the activation path of a deactivated webhook. */
  activationPath?: string;
  /** The one-click activation link of a deactivated webhook, when HERALD_PUBLIC_URL is set: a capability until `bufferUntil`. */
  activationUrl?: string;
  createdAt: Date;
  /** Its delivery to the workspace's notification URL, when one is set: GET /deliveries/{id} shows it. */
  deliveryId?: string;
}

export class NotificationRepository {
  private readonly collection: Collection<NotificationDoc>;

  constructor(db: Db) {
    this.collection = db.collection<NotificationDoc>('notifications');
  }

  /** Stores the notification under the id its workflow chose; a repeat (a retried activity) keeps the first. */
  async createOnce(doc: NotificationDoc): Promise<NotificationDoc> {
    try {
      await this.collection.insertOne(doc);
      return doc;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return (await this.collection.findOne({ _id: doc._id })) ?? doc;
    }
  }

  /** Deletes up to `limit` notifications created before `before`; how many it deleted. */
  async sweep(before: Date, limit: number): Promise<number> {
    const ids = (
      await this.collection
        .find({ createdAt: { $lt: before } }, { projection: { _id: 1 } })
        .limit(limit)
        .toArray()
    ).map((doc) => doc._id);
    if (ids.length === 0) return 0;
    return (await this.collection.deleteMany({ _id: { $in: ids } })).deletedCount;
  }

  get(workspaceId: string, id: string): Promise<NotificationDoc | null> {
    return this.collection.findOne({ _id: id, workspaceId });
  }

  list(workspaceId: string, limit: number, after?: string): Promise<NotificationDoc[]> {
    return this.collection
      .find({ workspaceId, ...(after !== undefined ? { _id: { $gt: after } } : {}) })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
  }
}
