import { Collection, Db, Filter } from 'mongodb';
import type { RecoverableStatus, RecoveryState } from '../core/domain';
import { isDuplicateKey } from './mongo';

/** One recovery: a webhook's ended deliveries of a time range, resent in order by its workflow. */
export interface RecoveryDoc {
  _id: string; // rcv_…, time-ordered; the workflow is recovery/{ws}/{id}
  workspaceId: string;
  webhookId: string;
  since: Date;
  until: Date;
  statuses: RecoverableStatus[];
  state: RecoveryState;
  /** How many deliveries matched when the workflow began; null until it has counted. */
  matched: number | null;
  resent: number;
  /** Matched, but changed by something else before their turn (retried by hand, its event deleted…). */
  skipped: number;
  /** Resent deliveries whose fresh attempt succeeded. */
  succeeded: number;
  createdAt: Date;
  finishedAt: Date | null;
  error?: string;
}

export type NewRecovery = Pick<RecoveryDoc, '_id' | 'workspaceId' | 'webhookId' | 'since' | 'until' | 'statuses' | 'createdAt'>;

/** The record's fields as the recovery's start carries them (the API and the workflow's first activity build the same). */
export function newRecovery(start: {
  recoveryId: string;
  workspaceId: string;
  webhookId: string;
  sinceMs: number;
  untilMs: number;
  statuses: readonly RecoverableStatus[];
  createdAtMs: number;
}): NewRecovery {
  return {
    _id: start.recoveryId,
    workspaceId: start.workspaceId,
    webhookId: start.webhookId,
    since: new Date(start.sinceMs),
    until: new Date(start.untilMs),
    statuses: [...start.statuses],
    createdAt: new Date(start.createdAtMs),
  };
}

export interface RecoveryCounts {
  resent: number;
  skipped: number;
  succeeded: number;
}

export class RecoveryRepository {
  private readonly collection: Collection<RecoveryDoc>;

  constructor(db: Db) {
    this.collection = db.collection<RecoveryDoc>('recoveries');
  }

  /**
   * The recovery's record, created unless it exists. The API (after starting the workflow) and the
   * workflow's first activity both call it with the same fields, so whichever runs first creates
   * it and a process that dies between the two loses nothing.
   */
  async createOnce(recovery: NewRecovery): Promise<RecoveryDoc> {
    const initial: RecoveryDoc = { ...recovery, state: 'running', matched: null, resent: 0, skipped: 0, succeeded: 0, finishedAt: null };
    try {
      await this.collection.insertOne(initial);
      return initial;
    } catch (error) {
      // The other writer was first: its record stands.
      if (!isDuplicateKey(error)) throw error;
      return (await this.collection.findOne({ _id: recovery._id })) ?? initial;
    }
  }

  get(workspaceId: string, id: string): Promise<RecoveryDoc | null> {
    return this.collection.findOne({ _id: id, workspaceId });
  }

  /** A webhook's recoveries, newest first; `before` is the last id of the previous page. */
  listOfWebhook(workspaceId: string, webhookId: string, filter: { before?: string; limit: number }): Promise<RecoveryDoc[]> {
    const query: Filter<RecoveryDoc> = { workspaceId, webhookId };
    if (filter.before !== undefined) query._id = { $lt: filter.before };
    return this.collection.find(query).sort({ _id: -1 }).limit(filter.limit).toArray();
  }

  /** The webhook's recoveries whose record says they are running. */
  runningOfWebhook(workspaceId: string, webhookId: string): Promise<RecoveryDoc[]> {
    return this.collection.find({ workspaceId, webhookId, state: 'running' }).limit(10).toArray();
  }

  async setMatched(id: string, matched: number): Promise<void> {
    await this.collection.updateOne({ _id: id, state: 'running' }, { $set: { matched } });
  }

  /** The counts so far, as absolute values: writing them twice changes nothing. */
  async progress(id: string, counts: RecoveryCounts): Promise<void> {
    await this.collection.updateOne({ _id: id, state: 'running' }, { $set: counts });
  }

  /** The end, with the final counts; an ended recovery keeps its first end. */
  async finish(id: string, end: RecoveryCounts & { state: Exclude<RecoveryState, 'running'>; finishedAt: Date; error?: string }): Promise<void> {
    await this.collection.updateOne({ _id: id, state: 'running' }, { $set: end });
  }
}
