import { Collection, Db } from 'mongodb';
import { isDuplicateKey } from './mongo';

/** What was chosen on an activation link's page. */
export type ActivationChoice = 'replay' | 'discard';

/** A used activation link: one per `webhook.deactivated` notification, under its id. */
export interface UsedActivationLinkDoc {
  /** The notification's id: a link is used once, whoever clicks it and however often. */
  _id: string;
  workspaceId: string;
  webhookId: string;
  choice: ActivationChoice;
  /** Deliveries in the buffer when it was used: what the result page counts the replay against. */
  buffered: number;
  usedAt: Date;
}

export class ActivationLinkRepository {
  private readonly collection: Collection<UsedActivationLinkDoc>;

  constructor(db: Db) {
    this.collection = db.collection<UsedActivationLinkDoc>('usedActivationLinks');
  }

  /**
   * Marks the link used; false when it was already. An insert under the notification's id, which
   * MongoDB and FerretDB both refuse a second time: of two clicks at once exactly one gets true.
   */
  async markUsed(doc: UsedActivationLinkDoc): Promise<boolean> {
    try {
      await this.collection.insertOne(doc);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** The activation the link started could not be asked for: the link may be used again. */
  async release(workspaceId: string, notificationId: string): Promise<void> {
    await this.collection.deleteOne({ _id: notificationId, workspaceId });
  }

  get(workspaceId: string, notificationId: string): Promise<UsedActivationLinkDoc | null> {
    return this.collection.findOne({ _id: notificationId, workspaceId });
  }

  /** Deletes up to `limit` marks made before `before` (their notifications are gone by then); how many. */
  async sweep(before: Date, limit: number): Promise<number> {
    const ids = (
      await this.collection
        .find({ usedAt: { $lt: before } }, { projection: { _id: 1 } })
        .limit(limit)
        .toArray()
    ).map((doc) => doc._id);
    if (ids.length === 0) return 0;
    return (await this.collection.deleteMany({ _id: { $in: ids } })).deletedCount;
  }
}
