import { Collection, Db, Filter } from 'mongodb';
import type { BasicAuth, ContentType, HttpMethod, WebhookTarget } from '../domain';
import { NOTIFICATION_PRESET, type DeactivationRule } from '../policy/health';
import { resolvePolicy } from '../policy/resolve';
import type { ResolvedPolicy, RetryPolicyInput } from '../policy/types';
import { newId } from './ids';

export interface WebhookDoc {
  _id: string;
  workspaceId: string;
  name: string;
  url: string;
  events: string[];
  app?: string;
  method: HttpMethod;
  contentType: ContentType;
  active: boolean;
  secret?: string;
  auth?: BasicAuth;
  // Stored as pairs, never as an object keyed by user input.
  headers?: Array<{ name: string; value: string }>;
  payloadTemplate?: string;
  retryPolicy: RetryPolicyInput;
  successCodes?: number[];
  timeoutMs?: number;
  deactivation?: WebhookDeactivation;
  // The health state below is written only by the webhook's endpoint-health workflow
  // (workflows/health.ts); the API and ingest read it.
  deactivatedAt?: Date;
  deactivationReason?: string;
  /** While inactive: new events are `buffered` until then, `dropped` after. */
  bufferUntil?: Date;
  /** While a replay of the buffer runs: new events wait behind it (`buffered`). */
  replay?: { total: number; done: number; startedAt: Date };
  /** Consecutive failed attempts, kept by the attempt activity; absent while the endpoint is healthy. */
  failureStreak?: { count: number; since: Date };
  /** `notification`: the workspace's notification endpoint, never listed or matched as a webhook. */
  kind?: 'notification';
  createdAt: Date;
  updatedAt: Date;
}

/** The deactivation rule's overrides and the buffer window, per webhook or per workspace. */
export type WebhookDeactivation = Partial<DeactivationRule> & { bufferSeconds?: number };

/** The fields of a webhook's health, mirrored from its health workflow. */
export type HealthFields = Pick<WebhookDoc, 'active' | 'deactivatedAt' | 'deactivationReason' | 'bufferUntil' | 'replay'>;

export type NewWebhook = Omit<WebhookDoc, '_id' | 'workspaceId' | 'createdAt' | 'updatedAt' | 'failureStreak' | 'kind'>;
export type WebhookChanges = Partial<NewWebhook>;

export interface WebhookFilter {
  app?: string;
  event?: string;
  active?: boolean;
  after?: string;
  limit: number;
}

export function toTarget(doc: WebhookDoc): WebhookTarget {
  const target: WebhookTarget = { id: doc._id, url: doc.url, method: doc.method, contentType: doc.contentType };
  if (doc.secret) target.secret = doc.secret;
  if (doc.auth) target.auth = doc.auth;
  if (doc.headers?.length) target.headers = Object.fromEntries(doc.headers.map((h) => [h.name, h.value]));
  if (doc.payloadTemplate) target.payloadTemplate = doc.payloadTemplate;
  if (doc.successCodes) target.successCodes = doc.successCodes;
  if (doc.timeoutMs) target.timeoutMs = doc.timeoutMs;
  return target;
}

/** Whether new events for it are held back (`buffered` or `dropped`) rather than attempted now. */
export function holdsEvents(doc: Pick<WebhookDoc, 'active' | 'replay'>): boolean {
  return !doc.active || doc.replay !== undefined;
}

/** A webhook the API shows: not the workspace's notification endpoint. */
const VISIBLE = { kind: { $exists: false } } as const;

export function subscribesTo(doc: Pick<WebhookDoc, 'events'>, eventType: string): boolean {
  return doc.events.includes('*') || doc.events.includes(eventType);
}

export class WebhookRepository {
  private readonly collection: Collection<WebhookDoc>;

  constructor(db: Db) {
    this.collection = db.collection<WebhookDoc>('webhooks');
  }

  async create(workspaceId: string, input: NewWebhook): Promise<WebhookDoc> {
    const now = new Date();
    const doc: WebhookDoc = { ...input, _id: newId('wh'), workspaceId, createdAt: now, updatedAt: now };
    await this.collection.insertOne(doc);
    return doc;
  }

  get(workspaceId: string, id: string): Promise<WebhookDoc | null> {
    return this.collection.findOne({ _id: id, workspaceId, ...VISIBLE });
  }

  /** Any delivery target, the workspace's notification endpoint included: for the attempt activity. */
  target(workspaceId: string, id: string): Promise<WebhookDoc | null> {
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
    if (filter.after !== undefined) query._id = { $gt: filter.after };
    return this.collection.find(query).sort({ _id: 1 }).limit(filter.limit).toArray();
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

  async update(workspaceId: string, id: string, changes: WebhookChanges, unset: string[] = []): Promise<WebhookDoc | null> {
    const update: Record<string, unknown> = { $set: { ...changes, updatedAt: new Date() } };
    if (unset.length) update.$unset = Object.fromEntries(unset.map((field) => [field, '']));
    return this.collection.findOneAndUpdate({ _id: id, workspaceId, ...VISIBLE }, update, { returnDocument: 'after' });
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.collection.deleteOne({ _id: id, workspaceId, ...VISIBLE });
    return result.deletedCount === 1;
  }

  /** The health workflow's mirror of the webhook's health; fields given as undefined are removed. */
  async mirrorHealth(workspaceId: string, id: string, health: Partial<HealthFields>, resetStreak: boolean): Promise<WebhookDoc | null> {
    const set: Record<string, unknown> = { updatedAt: new Date() };
    const unset: Record<string, ''> = resetStreak ? { failureStreak: '' } : {};
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
  async upsertNotificationEndpoint(workspaceId: string, url: string, secret: string | undefined): Promise<WebhookDoc> {
    const now = new Date();
    const id = notificationEndpointId(workspaceId);
    const set: Record<string, unknown> = { url, updatedAt: now };
    const doc = await this.collection.findOneAndUpdate(
      { _id: id, workspaceId },
      {
        $set: secret ? { ...set, secret } : set,
        ...(secret ? {} : { $unset: { secret: '' } }),
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

export function notificationEndpointId(workspaceId: string): string {
  return `wh_notifications_${workspaceId}`;
}

/** The webhook's complete retry policy: its preset and overrides plus its success rule and timeout. */
export function policyOf(doc: Pick<WebhookDoc, 'retryPolicy' | 'successCodes' | 'timeoutMs'>): ResolvedPolicy {
  return resolvePolicy(doc.retryPolicy, {
    ...(doc.successCodes ? { successCodes: doc.successCodes } : {}),
    ...(doc.timeoutMs ? { timeoutMs: doc.timeoutMs } : {}),
  });
}
