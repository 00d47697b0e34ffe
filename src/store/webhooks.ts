import { Collection, Db, Filter, type UpdateFilter } from 'mongodb';
import type { WebhookTarget } from '../core/domain';
import { NOTIFICATION_PRESET } from '../policy/endpointHealth';
import { previousSecretExpiry } from '../policy/secrets';
import type { Sealed, SecretBox } from '../security/secretBox';
import { notificationEndpointId } from '../core/ids';
import { newId } from './ids';
import { reencryptBatch, type ReencryptBatch } from './sealing/reencryptBatch';
import { rotateSealed } from './sealing/sealedRotation';
import { WebhookSecrets, type ClearSecrets } from './sealing/webhookSecrets';
import type { NotificationSecrets, WebhookDoc } from './types';

export type { WebhookDeactivation, WebhookDoc } from './types';

/** The fields of a webhook's health, mirrored from its health workflow. */
export type HealthFields = Pick<WebhookDoc, 'active' | 'deactivatedAt' | 'deactivationReason' | 'bufferUntil' | 'replay'>;

/** A webhook as the API gives it: the write-only values in clear, for the repository to seal. */
export type NewWebhook = Omit<
  WebhookDoc,
  '_id' | 'workspaceId' | 'createdAt' | 'updatedAt' | 'failureStreak' | 'kind' | keyof ClearSecrets | 'previousSecret'
> &
  ClearSecrets;
export type WebhookChanges = Partial<NewWebhook>;

export interface WebhookFilter {
  /** Only these webhooks (a portal link's scope). */
  ids?: string[];
  app?: string;
  event?: string;
  active?: boolean;
  after?: string;
  limit: number;
}

/** Whether new events for it are held back (`buffered` or `dropped`) rather than attempted now. */
/** A webhook the API shows: not the workspace's notification endpoint. */
const VISIBLE = { kind: { $exists: false } } as const;

export class WebhookRepository {
  private readonly collection: Collection<WebhookDoc>;
  private readonly secrets: WebhookSecrets;

  constructor(db: Db, box: SecretBox) {
    this.collection = db.collection<WebhookDoc>('webhooks');
    this.secrets = new WebhookSecrets(box);
  }

  async create(workspaceId: string, input: NewWebhook): Promise<WebhookDoc> {
    const now = new Date();
    const id = newId('wh');
    const { secret, auth, headers, signingKey, ...rest } = input;
    const doc: WebhookDoc = { ...rest, ...this.secrets.seal(id, { secret, auth, headers, signingKey }), _id: id, workspaceId, createdAt: now, updatedAt: now };
    await this.collection.insertOne(doc);
    return doc;
  }

  /**
   * The webhook as the outgoing request needs it, write-only values opened: for the attempt activity and the
   * test route, never for an API view. The previous secret signs only while its grace lasts.
   */
  openTarget(doc: WebhookDoc, now: Date = new Date()): WebhookTarget {
    const target: WebhookTarget = { id: doc._id, url: doc.url, method: doc.method, contentType: doc.contentType };
    Object.assign(target, this.secrets.open(doc, now));
    if (doc.payloadTemplate) target.payloadTemplate = doc.payloadTemplate;
    if (doc.successCodes) target.successCodes = doc.successCodes;
    if (doc.timeoutMs) target.timeoutMs = doc.timeoutMs;
    return target;
  }

  get(workspaceId: string, id: string): Promise<WebhookDoc | null> {
    return this.collection.findOne({ _id: id, workspaceId, ...VISIBLE });
  }

  /** A webhook or the workspace's notification endpoint, by id: whatever deliveries go to. For the activities. */
  getEndpoint(workspaceId: string, id: string): Promise<WebhookDoc | null> {
    return this.collection.findOne({ _id: id, workspaceId });
  }

  /** Any delivery targets of these ids, in any workspace: for the reconciler. */
  byIds(ids: string[]): Promise<WebhookDoc[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.collection.find({ _id: { $in: ids } }).toArray();
  }

  list(workspaceId: string, filter: WebhookFilter): Promise<WebhookDoc[]> {
    const query: Filter<WebhookDoc> = { workspaceId, ...VISIBLE };
    if (filter.app !== undefined) query.app = filter.app;
    if (filter.event !== undefined) query.events = filter.event;
    if (filter.active !== undefined) query.active = filter.active;
    if (filter.ids !== undefined || filter.after !== undefined) {
      query._id = { ...(filter.ids !== undefined ? { $in: filter.ids } : {}), ...(filter.after !== undefined ? { $gt: filter.after } : {}) };
    }
    return this.collection.find(query).sort({ _id: 1 }).limit(filter.limit).toArray();
  }

  /** The ids of every webhook of an app: what a portal link scoped to that app opens. */
  async idsOfApp(workspaceId: string, app: string): Promise<string[]> {
    const docs = await this.collection.find({ workspaceId, app, ...VISIBLE }, { projection: { _id: 1 } }).toArray();
    return docs.map((doc) => doc._id);
  }

  /**
   * Webhooks subscribed to the event (exact type or "*"), active or not: an inactive one records
   * the event as buffered or dropped. A webhook bound to an app hears only that app.
   */
  matching(workspaceId: string, eventType: string, app?: string): Promise<WebhookDoc[]> {
    // `app: null` matches webhooks without an app; the notification endpoint subscribes to nothing.
    const query: Filter<WebhookDoc> = {
      workspaceId,
      events: { $in: [eventType, '*'] },
      app: app === undefined ? null : { $in: [null, app] },
    } as Filter<WebhookDoc>;
    return this.collection.find(query).sort({ _id: 1 }).toArray();
  }

  /**
   * Sets the given fields and removes the `unset` ones. A secret set or removed here replaces the
   * old one at once, a rotation in progress included; rotateSecret keeps the old one signing.
   * `headers` replaces every custom header (their values are write-only, so there is nothing to merge with).
   */
  async update(workspaceId: string, id: string, changes: WebhookChanges, unset: string[] = []): Promise<WebhookDoc | null> {
    const { secret, auth, headers, signingKey, ...rest } = changes;
    const set = { ...rest, ...this.secrets.seal(id, { secret, auth, headers, signingKey }), updatedAt: new Date() };
    const removed = secret !== undefined || unset.includes('secret') ? [...unset, 'previousSecret'] : unset;
    const update: Record<string, unknown> = { $set: set };
    if (removed.length) update.$unset = Object.fromEntries(removed.map((field) => [field, '']));
    return this.collection.findOneAndUpdate({ _id: id, workspaceId, ...VISIBLE }, update, { returnDocument: 'after' });
  }

  /**
   * A new signing secret; the current one keeps signing beside it for `graceSeconds` (none: it is
   * dropped now). Only one previous secret is kept: rotating again within the grace period drops
   * the oldest. Null when there is no such webhook.
   */
  rotateSecret(workspaceId: string, id: string, next: string, graceSeconds: number, now: Date = new Date()): Promise<WebhookDoc | null> {
    return rotateSealed({
      collection: this.collection,
      filter: { _id: id, workspaceId, ...VISIBLE },
      field: 'secret',
      previousField: 'previousSecret',
      currentOf: (doc) => doc.secret,
      next: this.secrets.seal(id, { secret: next }).secret as Sealed,
      asPrevious: (current) => this.secrets.asPrevious(id, current),
      expiresAt: previousSecretExpiry(now, graceSeconds),
      now,
    });
  }

  /**
   * Re-encrypts, under the current key, the write-only values of the webhooks after `afterId`
   * (at most `limit`), plain ones included, and drops previous secrets past their grace.
   * For `npm run secrets:reencrypt`; the notification endpoints are included.
   */
  reencryptBatch(afterId: string | undefined, limit: number, now: Date = new Date()): Promise<ReencryptBatch> {
    return reencryptBatch(this.collection, afterId, limit, (doc) => {
      const change = this.secrets.reencrypt(doc, now);
      if (!change) return undefined;
      const update: UpdateFilter<WebhookDoc> = {};
      if (Object.keys(change.set).length) update.$set = change.set;
      if (change.unset.length) update.$unset = Object.fromEntries(change.unset.map((field) => [field, '']));
      return update;
    });
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.collection.deleteOne({ _id: id, workspaceId, ...VISIBLE });
    return result.deletedCount === 1;
  }

  /**
   * The health workflow's mirror of the webhook's health; fields given as undefined are removed.
   * `resetStreak` also ends the failure streak: a change of active state starts counting anew.
   */
  async mirrorHealth(workspaceId: string, id: string, health: Partial<HealthFields>, options: { resetStreak: boolean }): Promise<WebhookDoc | null> {
    const set: Record<string, unknown> = { updatedAt: new Date() };
    const unset: Record<string, ''> = options.resetStreak ? { failureStreak: '' } : {};
    for (const [key, value] of Object.entries(health)) {
      if (value === undefined) unset[key] = '';
      else set[key] = value;
    }
    const update = Object.keys(unset).length ? { $set: set, $unset: unset } : { $set: set };
    return this.collection.findOneAndUpdate({ _id: id, workspaceId }, update, { returnDocument: 'after' });
  }

  /** One more failed attempt in a row; the streak as it stands after it. */
  async recordFailure(id: string, at: Date): Promise<WebhookDoc['failureStreak'] | null> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: id },
      { $inc: { 'failureStreak.count': 1 }, $min: { 'failureStreak.since': at } },
      { returnDocument: 'after' },
    );
    return doc?.failureStreak ?? null;
  }

  /** A success ends the streak. Called only when the attempt's read showed one. */
  async resetStreak(id: string): Promise<void> {
    await this.collection.updateOne({ _id: id, failureStreak: { $exists: true } }, { $unset: { failureStreak: '' } });
  }

  /** The workspace's notification endpoint as a delivery target, created or brought up to date. */
  async upsertNotificationEndpoint(workspaceId: string, url: string, secrets: NotificationSecrets): Promise<WebhookDoc> {
    const now = new Date();
    const id = notificationEndpointId(workspaceId);
    // The workspace's secrets, copied (sealed for this record): during a rotation of the
    // notification secret, notifications carry both signatures like any webhook's deliveries.
    const set: Record<string, unknown> = { url, updatedAt: now };
    const unset: Record<string, ''> = {};
    if (secrets.secret) Object.assign(set, this.secrets.seal(id, { secret: secrets.secret }));
    else unset.secret = '';
    if (secrets.secret && secrets.previous) set.previousSecret = this.secrets.previous(id, secrets.previous.secret, secrets.previous.expiresAt);
    else unset.previousSecret = '';
    const doc = await this.collection.findOneAndUpdate(
      { _id: id, workspaceId },
      {
        $set: set,
        ...(Object.keys(unset).length ? { $unset: unset } : {}),
        $setOnInsert: {
          workspaceId,
          kind: 'notification',
          name: 'workspace notifications',
          events: [],
          method: 'POST',
          contentType: 'json',
          active: true,
          retryPolicy: { preset: NOTIFICATION_PRESET },
          createdAt: now,
        },
      },
      { upsert: true, returnDocument: 'after' },
    );
    return doc!;
  }
}
