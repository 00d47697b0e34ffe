// What the API shows of each stored document: secrets, passwords and header values never leave,
// times are ISO strings, and optional fields are present only when set. Each view has the type of
// its response schema, so the two cannot drift.
import type { Static } from '@sinclair/typebox';
import { DEFAULT_BUFFER_SECONDS, effectiveRule } from '../policy/endpointHealth';
import { policyOf } from '../policy/resolve';
import { stillSigns } from '../policy/secrets';
import type { Store } from '../store';
import type { ApiKeyDoc } from '../store/apiKeys';
import type { DeliveryDoc } from '../store/deliveries';
import type { EventTypeDoc } from '../store/eventTypes';
import type { NotificationDoc } from '../store/notifications';
import type { WebhookDoc } from '../store/webhooks';
import type { WorkspaceDoc } from '../store/workspaces';
import type { ApiKeyView } from './schemas/apiKey';
import type { DeliveryView } from './schemas/delivery';
import type { EventTypeView } from './schemas/eventType';
import type { NotificationView } from './schemas/notification';
import type { WebhookView } from './schemas/webhook';
import type { WorkspaceView } from './schemas/workspace';

/** `{data, error: null}`: every successful answer. */
export function envelope<T>(data: T) {
  return { data, error: null };
}

/**
 * One page of a list, from one more document than asked for (the store's `limit + 1`), so the
 * page knows whether another follows.
 */
export function pageView<D, V>(
  docs: D[],
  limit: number,
  cursorOf: (doc: D) => string,
  view: (doc: D) => V,
): { data: V[]; error: null; nextCursor: string | null } {
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  return { data: page.map((doc) => view(doc)), error: null, nextCursor: docs.length > limit && last !== undefined ? cursorOf(last) : null };
}

export function webhookView(doc: WebhookDoc, revealSecret?: string): Static<typeof WebhookView> {
  const policy = policyOf(doc);
  return {
    id: doc._id,
    name: doc.name,
    url: doc.url,
    events: doc.events,
    ...(doc.app !== undefined ? { app: doc.app } : {}),
    method: doc.method,
    contentType: doc.contentType,
    active: doc.active,
    hasSecret: Boolean(doc.secret),
    ...(revealSecret ? { secret: revealSecret } : {}),
    ...(doc.secret && doc.previousSecret && stillSigns(doc.previousSecret.expiresAt, new Date())
      ? { previousSecretExpiresAt: doc.previousSecret.expiresAt.toISOString() }
      : {}),
    ...(doc.auth ? { auth: { username: doc.auth.username } } : {}),
    // Header values are write-only, like the secret and the password.
    ...(doc.headers?.length ? { headerNames: doc.headers.map((h) => h.name) } : {}),
    ...(doc.signingKey ? { publicKey: doc.signingKey.publicKey } : {}),
    ...(doc.payloadTemplate ? { payloadTemplate: doc.payloadTemplate } : {}),
    retryPolicy: doc.retryPolicy as unknown as Record<string, unknown>,
    // Only an override is shown; the preset's own rule (fixed: any 2xx) is documented, not listed.
    ...(doc.successCodes ? { successCodes: doc.successCodes } : {}),
    timeoutMs: policy.timeoutMs,
    ...(doc.deactivation ? { deactivation: doc.deactivation } : {}),
    ...(doc.deactivatedAt ? { deactivatedAt: doc.deactivatedAt.toISOString() } : {}),
    ...(doc.deactivationReason ? { deactivationReason: doc.deactivationReason } : {}),
    ...(doc.bufferUntil && !doc.active ? { bufferUntil: doc.bufferUntil.toISOString() } : {}),
    ...(doc.failureStreak ? { failureStreak: { count: doc.failureStreak.count, since: doc.failureStreak.since.toISOString() } } : {}),
    ...(doc.replay ? { replay: { total: doc.replay.total, done: doc.replay.done, startedAt: doc.replay.startedAt.toISOString() } } : {}),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/** One webhook as GET /webhooks/{id} shows it: with the number of deliveries in its buffer. */
export async function webhookDetail(store: Store, doc: WebhookDoc, revealSecret?: string): Promise<Static<typeof WebhookView>> {
  return { ...webhookView(doc, revealSecret), bufferedDeliveries: await store.deliveries.countBuffered(doc.workspaceId, doc._id) };
}

/** Settings as they apply: the deactivation rule with its defaults filled in; the secret never shown. */
export function workspaceView(doc: WorkspaceDoc, revealSecret?: string): Static<typeof WorkspaceView> {
  const { notificationUrl, notificationSecret, previousNotificationSecret: previous, requireHttps, deactivation } = doc.settings;
  return {
    id: doc._id,
    name: doc.name,
    settings: {
      ...(notificationUrl ? { notificationUrl } : {}),
      hasNotificationSecret: Boolean(notificationSecret),
      ...(notificationSecret && previous && stillSigns(previous.expiresAt, new Date())
        ? { previousNotificationSecretExpiresAt: previous.expiresAt.toISOString() }
        : {}),
      ...(revealSecret ? { notificationSecret: revealSecret } : {}),
      requireHttps,
      deactivation: { ...effectiveRule(deactivation), bufferSeconds: deactivation.bufferSeconds ?? DEFAULT_BUFFER_SECONDS },
    },
    createdAt: doc.createdAt.toISOString(),
  };
}

/** A key is shown in full once, by the call that created it. */
export function apiKeyView(doc: ApiKeyDoc, key?: string): Static<typeof ApiKeyView> {
  return {
    id: doc._id,
    ...(doc.name ? { name: doc.name } : {}),
    scopes: doc.scopes,
    createdAt: doc.createdAt.toISOString(),
    ...(doc.revokedAt ? { revokedAt: doc.revokedAt.toISOString() } : {}),
    ...(key !== undefined ? { key } : {}),
  };
}

export function eventTypeView({ name, description, family }: EventTypeDoc): Static<typeof EventTypeView> {
  return { name, description, family };
}

export function deliveryView(doc: DeliveryDoc): Static<typeof DeliveryView> {
  return {
    id: doc._id,
    eventId: doc.eventId,
    eventType: doc.eventType,
    webhookId: doc.webhookId,
    status: doc.status,
    lane: doc.lane,
    attempts: doc.attempts,
    nextAttemptAt: doc.status === 'pending' && doc.nextAttemptAt ? doc.nextAttemptAt.toISOString() : null,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

export function notificationView(doc: NotificationDoc): Static<typeof NotificationView> {
  return {
    id: doc._id,
    type: doc.type,
    webhookId: doc.webhookId,
    message: doc.message,
    ...(doc.activationPath ? { activationPath: doc.activationPath } : {}),
    ...(doc.deliveryId ? { deliveryId: doc.deliveryId } : {}),
    createdAt: doc.createdAt.toISOString(),
  };
}
