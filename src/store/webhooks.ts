import { Collection, Db, Filter } from 'mongodb';
import type { BasicAuth, ContentType, HttpMethod, WebhookTarget } from '../domain';
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
  // Stored as pairs, never as an object keyed by user input (SPEC section 1).
  headers?: Array<{ name: string; value: string }>;
  payloadTemplate?: string;
  retryPolicy: RetryPolicyInput;
  successCodes?: number[];
  timeoutMs?: number;
  deactivation?: { consecutiveFailures: number; minFailingSeconds: number };
  deactivatedAt?: Date;
  deactivationReason?: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewWebhook = Omit<WebhookDoc, '_id' | 'workspaceId' | 'createdAt' | 'updatedAt'>;
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
    return this.collection.findOne({ _id: id, workspaceId });
  }

  list(workspaceId: string, filter: WebhookFilter): Promise<WebhookDoc[]> {
    const query: Filter<WebhookDoc> = { workspaceId };
    if (filter.app !== undefined) query.app = filter.app;
    if (filter.event !== undefined) query.events = filter.event;
    if (filter.active !== undefined) query.active = filter.active;
    if (filter.after !== undefined) query._id = { $gt: filter.after };
    return this.collection.find(query).sort({ _id: 1 }).limit(filter.limit).toArray();
  }

  /** Active webhooks subscribed to the event (exact type or "*"); a webhook bound to an app hears only that app. */
  matching(workspaceId: string, eventType: string, app?: string): Promise<WebhookDoc[]> {
    // `app: null` matches webhooks without an app.
    const query: Filter<WebhookDoc> = {
      workspaceId,
      active: true,
      events: { $in: [eventType, '*'] },
      app: app === undefined ? null : { $in: [null, app] },
    } as Filter<WebhookDoc>;
    return this.collection.find(query).sort({ _id: 1 }).toArray();
  }

  async update(workspaceId: string, id: string, changes: WebhookChanges, unset: string[] = []): Promise<WebhookDoc | null> {
    const update: Record<string, unknown> = { $set: { ...changes, updatedAt: new Date() } };
    if (unset.length) update.$unset = Object.fromEntries(unset.map((field) => [field, '']));
    return this.collection.findOneAndUpdate({ _id: id, workspaceId }, update, { returnDocument: 'after' });
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.collection.deleteOne({ _id: id, workspaceId });
    return result.deletedCount === 1;
  }
}

/** The webhook's complete retry policy: its preset and overrides plus its success rule and timeout. */
export function policyOf(doc: Pick<WebhookDoc, 'retryPolicy' | 'successCodes' | 'timeoutMs'>): ResolvedPolicy {
  return resolvePolicy(doc.retryPolicy, {
    ...(doc.successCodes ? { successCodes: doc.successCodes } : {}),
    ...(doc.timeoutMs ? { timeoutMs: doc.timeoutMs } : {}),
  });
}
