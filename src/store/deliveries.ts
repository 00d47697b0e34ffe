import { Collection, Db, Filter } from 'mongodb';
import { DEFAULT_LANE, LIVE_STATUSES, type Attempt, type DeliveryStatus, type Lane, type RecoverableStatus } from '../core/domain';
import type { PresetName } from '../policy/types';
import type { DeliverySweep } from '../policy/retention';
import { deliveryId } from '../core/ids';
import { newId } from './ids';
import { isDuplicateKey } from './mongo';

export interface DeliveryDoc {
  _id: string; // delivery/{ws}/{eventId}/{webhookId}, also the workflow id
  seq: string; // time-ordered, for cursor pagination
  workspaceId: string;
  eventId: string;
  eventType: string;
  webhookId: string;
  /** The webhook's preset when the event arrived, for the retention rule that depends on it. */
  preset?: PresetName;
  status: DeliveryStatus;
  lane: Lane;
  attempts: Attempt[];
  nextAttemptAt?: Date | null;
  /** The replay that took it out of the buffer, so that a repeated claim by the same replay is recognised. */
  replayClaim?: string;
  /** The recovery that last resent it, for the same reason. */
  recoveryClaim?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeliveryFilter {
  webhookId?: string;
  /** Only deliveries to these webhooks (a portal link's scope); with `webhookId`, both must hold. */
  webhookIds?: string[];
  eventId?: string;
  eventType?: string;
  status?: DeliveryStatus;
  /** Created at or after. */
  since?: Date;
  /** Created before. */
  until?: Date;
  after?: string;
  limit: number;
}

/** A recovery's deliveries: one webhook's, in these end states, created in [since, until). */
export interface RecoverableQuery {
  workspaceId: string;
  webhookId: string;
  statuses: readonly RecoverableStatus[];
  since: Date;
  until: Date;
}

/** Where a recovery's pages stand: after this delivery in (createdAt, _id) order. */
export interface RecoveryCursor {
  createdAt: Date;
  id: string;
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

  /**
   * Creates the records of a newly ingested event: `pending` for a webhook that takes it now,
   * `buffered` or `dropped` for one that is switched off. Ones that exist already are kept.
   */
  async createRecords(
    workspaceId: string,
    eventId: string,
    eventType: string,
    records: Array<{ webhookId: string; preset: PresetName; status: DeliveryStatus }>,
    /** The event's receipt: a delivery's createdAt is its event's, so deliveries sort by the event's arrival. */
    createdAt: Date = new Date(),
  ): Promise<void> {
    if (records.length === 0) return;
    const now = new Date();
    const docs: DeliveryDoc[] = records.map(({ webhookId, preset, status }) => ({
      _id: deliveryId(workspaceId, eventId, webhookId),
      seq: newId('d'),
      workspaceId,
      eventId,
      eventType,
      webhookId,
      preset,
      status,
      lane: DEFAULT_LANE,
      attempts: [],
      nextAttemptAt: status === 'pending' ? now : null,
      createdAt,
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

  /** The records of these ids that exist. */
  byIds(ids: string[]): Promise<DeliveryDoc[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.collection.find({ _id: { $in: ids } }).toArray();
  }

  /** Which of these ids have a record. */
  async existingIds(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await this.collection.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray()).map((doc) => doc._id);
  }

  /**
   * The reconciler's candidates: pending deliveries whose next attempt was due before `before`,
   * a page at a time in `_id` order. A live run keeps `nextAttemptAt` ahead of time or attempts
   * within its timeout, so few records match unless a crash left some without a run.
   */
  overdue(before: Date, afterId: string | null, limit: number): Promise<DeliveryDoc[]> {
    const query: Filter<DeliveryDoc> = { status: 'pending', nextAttemptAt: { $lt: before } };
    if (afterId !== null) query._id = { $gt: afterId };
    return this.collection.find(query).sort({ _id: 1 }).limit(limit).toArray();
  }

  /** Webhooks with deliveries that have been `buffered` since before `before`. */
  async webhooksWithBuffered(before: Date): Promise<string[]> {
    return this.collection.distinct('webhookId', { status: 'buffered', updatedAt: { $lt: before } });
  }

  /** Deletes up to `limit` deliveries that one retention rule lets go; how many it deleted. */
  async sweep(sweep: DeliverySweep, limit: number): Promise<number> {
    const query: Filter<DeliveryDoc> = { status: { $in: sweep.statuses }, [sweep.field]: { $lt: sweep.before } };
    if (sweep.preset !== undefined) query.preset = sweep.preset;
    const ids = (
      await this.collection
        .find(query, { projection: { _id: 1 } })
        .limit(limit)
        .toArray()
    ).map((doc) => doc._id);
    if (ids.length === 0) return 0;
    // The status is checked again in the delete itself: a delivery retried meanwhile is kept.
    const result = await this.collection.deleteMany({ _id: { $in: ids }, status: { $in: sweep.statuses } });
    return result.deletedCount;
  }

  list(workspaceId: string, filter: DeliveryFilter): Promise<DeliveryDoc[]> {
    const query: Filter<DeliveryDoc> = { workspaceId };
    if (filter.webhookIds !== undefined) {
      const allowed = filter.webhookId === undefined ? filter.webhookIds : filter.webhookIds.filter((id) => id === filter.webhookId);
      query.webhookId = { $in: allowed };
    } else if (filter.webhookId !== undefined) query.webhookId = filter.webhookId;
    if (filter.eventId !== undefined) query.eventId = filter.eventId;
    if (filter.eventType !== undefined) query.eventType = filter.eventType;
    if (filter.status !== undefined) query.status = filter.status;
    if (filter.since !== undefined || filter.until !== undefined) {
      query.createdAt = { ...(filter.since !== undefined ? { $gte: filter.since } : {}), ...(filter.until !== undefined ? { $lt: filter.until } : {}) };
    }
    if (filter.after !== undefined) query.seq = { $gt: filter.after };
    return this.collection.find(query).sort({ seq: 1 }).limit(filter.limit).toArray();
  }

  /** How many deliveries a recovery matches as it begins. */
  countRecoverable(query: RecoverableQuery): Promise<number> {
    return this.collection.countDocuments(recoverableFilter(query));
  }

  /**
   * The next page of a recovery's deliveries in their event's order (createdAt is the event's
   * receipt, then the id). A delivery resent and failed again keeps its place, so the cursor
   * moves past it and it is not resent twice by the same recovery.
   */
  recoverablePage(query: RecoverableQuery, after: RecoveryCursor | null, limit: number): Promise<DeliveryDoc[]> {
    const filter = recoverableFilter(query);
    if (after !== null) filter.$or = [{ createdAt: { $gt: after.createdAt } }, { createdAt: after.createdAt, _id: { $gt: after.id } }];
    return this.collection.find(filter).sort({ createdAt: 1, _id: 1 }).limit(limit).toArray();
  }

  /**
   * Takes an ended delivery for a recovery's fresh attempt: `pending`, marked with the recovery's
   * claim. True also when the same claim took it already (the activity ran again after a worker
   * died between the write and its answer); false when it is no longer in one of `statuses`.
   */
  async claimForRecovery(id: string, statuses: readonly RecoverableStatus[], claim: string): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: id, $or: [{ status: { $in: [...statuses] } }, { status: 'pending', recoveryClaim: claim }] },
      { $set: { status: 'pending', nextAttemptAt: new Date(), recoveryClaim: claim, updatedAt: new Date() } },
    );
    return result.matchedCount === 1;
  }

  /**
   * The attempts of a webhook's deliveries touched since `since` (an attempt updates its delivery),
   * most recent first, at most `limit` deliveries: a bounded read that the stats compute from in Node.
   */
  attemptsSince(workspaceId: string, webhookId: string, since: Date, limit: number): Promise<Array<Pick<DeliveryDoc, '_id' | 'attempts'>>> {
    return this.collection
      .find({ workspaceId, webhookId, updatedAt: { $gte: since } }, { projection: { _id: 1, attempts: 1 } })
      .sort({ updatedAt: -1 })
      .limit(limit)
      .toArray();
  }

  /**
   * Appends one attempt and the state that follows from it, in one write, while the record is
   * pending. A record that stopped being pending meanwhile (cancelled through the API) keeps its
   * status and still gets the attempt; then the answer is false.
   */
  async recordAttempt(id: string, attempt: Attempt, progress: DeliveryProgress): Promise<boolean> {
    const updatedAt = new Date();
    const result = await this.collection.updateOne({ _id: id, status: 'pending' }, { $push: { attempts: attempt }, $set: { ...progress, updatedAt } });
    if (result.matchedCount === 1) return true;
    await this.collection.updateOne({ _id: id }, { $push: { attempts: attempt }, $set: { updatedAt } });
    return false;
  }

  async setProgress(id: string, progress: DeliveryProgress): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { ...progress, updatedAt: new Date() } });
  }

  /** A pending delivery's next attempt moved to `at` (a deferral); nothing else changes. */
  async deferNextAttempt(id: string, at: Date): Promise<void> {
    await this.collection.updateOne({ _id: id, status: 'pending' }, { $set: { nextAttemptAt: at, updatedAt: new Date() } });
  }

  /** Like setProgress, only while the record's status is one of `from`; false when it was not. */
  async setProgressFrom(id: string, from: readonly DeliveryStatus[], progress: DeliveryProgress): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: id, status: { $in: from } }, { $set: { ...progress, updatedAt: new Date() } });
    return result.matchedCount === 1;
  }

  /** The next page of a webhook's buffered deliveries in their original order, for a replay. */
  bufferedPage(workspaceId: string, webhookId: string, afterSeq: string | null, limit: number): Promise<DeliveryDoc[]> {
    const query: Filter<DeliveryDoc> = { workspaceId, webhookId, status: 'buffered' };
    if (afterSeq !== null) query.seq = { $gt: afterSeq };
    return this.collection.find(query).sort({ seq: 1 }).limit(limit).toArray();
  }

  countBuffered(workspaceId: string, webhookId: string): Promise<number> {
    return this.collection.countDocuments({ workspaceId, webhookId, status: 'buffered' });
  }

  /**
   * Takes a buffered delivery out of the buffer for a replay's attempt: `pending`, marked with the
   * replay's claim. True also when the same claim took it already (the activity ran again after
   * a worker died between the write and its answer); false when anything else changed it.
   */
  async claimForReplay(id: string, claim: string): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: id, $or: [{ status: 'buffered' }, { status: 'pending', replayClaim: claim }] },
      { $set: { status: 'pending', nextAttemptAt: new Date(), replayClaim: claim, updatedAt: new Date() } },
    );
    return result.matchedCount === 1;
  }

  /** Marks up to `limit` buffered deliveries of the webhook `discarded`; how many it marked. */
  async discardBuffered(workspaceId: string, webhookId: string, limit: number): Promise<number> {
    const ids = (await this.bufferedPage(workspaceId, webhookId, null, limit)).map((doc) => doc._id);
    if (ids.length === 0) return 0;
    const result = await this.collection.updateMany(
      { _id: { $in: ids }, status: 'buffered' },
      { $set: { status: 'discarded', nextAttemptAt: null, updatedAt: new Date() } },
    );
    return result.modifiedCount;
  }

  /** An event's deliveries: status and attempts, in the order they were created. */
  ofEvent(workspaceId: string, eventId: string): Promise<DeliveryDoc[]> {
    return this.collection.find({ workspaceId, eventId }).sort({ seq: 1 }).toArray();
  }

  /** Live (pending or buffered) deliveries of one webhook, for cancelling them when the webhook is deleted. */
  async liveOfWebhook(workspaceId: string, webhookId: string): Promise<DeliveryDoc[]> {
    return this.collection.find({ workspaceId, webhookId, status: { $in: [...LIVE_STATUSES] } }).toArray();
  }
}

function recoverableFilter({ workspaceId, webhookId, statuses, since, until }: RecoverableQuery): Filter<DeliveryDoc> {
  return { workspaceId, webhookId, status: { $in: [...statuses] }, createdAt: { $gte: since, $lt: until } };
}
