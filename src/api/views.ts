// What the API shows of each stored document: secrets, passwords and header values never leave,
// times are ISO strings, and optional fields are present only when set. Each view has the type of
// its response schema, so the two cannot drift.
import type { Static } from '@sinclair/typebox';
import { DEFAULT_BUFFER_SECONDS, effectiveRule } from '../policy/endpointHealth';
import { policyOf } from '../policy/resolve';
import { stillSigns } from '../policy/secrets';
import type { Store } from '../store';
import type { Credential } from './plugins/auth';
import type { ApiKeyDoc } from '../store/apiKeys';
import type { DeliveryDoc } from '../store/deliveries';
import type { EventDoc } from '../store/events';
import type { EventTypeDoc } from '../store/eventTypes';
import type { NotificationDoc } from '../store/notifications';
import type { RecoveryDoc } from '../store/recoveries';
import type { PortalLinkDoc } from '../store/portalLinks';
import type { WebhookDoc } from '../store/webhooks';
import type { WorkspaceDoc } from '../store/workspaces';
import type { ApiKeyView } from './schemas/apiKey';
import type { DeliveryView } from './schemas/delivery';
import type { EventView } from './schemas/event';
import type { EventTypeView } from './schemas/eventType';
import type { NotificationView } from './schemas/notification';
import type { RecoveryView } from './schemas/recovery';
import type { PortalLinkView } from './schemas/portalLink';
import type { SessionView } from './schemas/session';
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
    ...(doc.activationUrl ? { activationUrl: doc.activationUrl } : {}),
    ...(doc.deliveryId ? { deliveryId: doc.deliveryId } : {}),
    createdAt: doc.createdAt.toISOString(),
  };
}

export function recoveryView(doc: RecoveryDoc): Static<typeof RecoveryView> {
  return {
    id: doc._id,
    webhookId: doc.webhookId,
    since: doc.since.toISOString(),
    until: doc.until.toISOString(),
    statuses: doc.statuses,
    state: doc.state,
    // A record written before the count, by any writer, reads as not counted yet.
    matched: doc.matched ?? null,
    resent: doc.resent,
    skipped: doc.skipped,
    succeeded: doc.succeeded,
    createdAt: doc.createdAt.toISOString(),
    finishedAt: doc.finishedAt ? doc.finishedAt.toISOString() : null,
    ...(doc.error !== undefined ? { error: doc.error } : {}),
  };
}

/** An event with its deliveries as they stand (the event's own list is what ingest recorded). */
export function eventView(doc: EventDoc, deliveries: DeliveryDoc[]): Static<typeof EventView> {
  return {
    id: doc.eventId,
    type: doc.type,
    receivedAt: doc.receivedAt.toISOString(),
    data: doc.data,
    deliveries: deliveries.map((delivery) => ({
      id: delivery._id,
      webhookId: delivery.webhookId,
      status: delivery.status,
      attempts: delivery.attempts.length,
    })),
  };
}

/** A portal link as minted: its token and URL appear in this answer only. */
export function portalLinkView(doc: PortalLinkDoc, token: string, url: string | undefined): Static<typeof PortalLinkView> {
  return {
    id: doc._id,
    token,
    ...(url !== undefined ? { url } : {}),
    expiresAt: doc.expiresAt.toISOString(),
    ...(doc.webhookIds !== undefined ? { webhookIds: doc.webhookIds } : {}),
    ...(doc.app !== undefined ? { app: doc.app } : {}),
    scopes: doc.scopes,
    createdAt: doc.createdAt.toISOString(),
  };
}

/** Who a credential is, and for a portal link what it opens: never a key or a token. */
export function sessionView(credential: Credential): Static<typeof SessionView> {
  if (credential.kind === 'admin') return { kind: 'admin' };
  if (credential.kind === 'workspace') return { kind: 'workspace', workspaceId: credential.key.workspaceId, scopes: credential.key.scopes };
  const { link } = credential;
  return {
    kind: 'portal',
    workspaceId: link.workspaceId,
    scopes: link.scopes,
    portalLinkId: link._id,
    ...(link.webhookIds !== undefined ? { webhookIds: link.webhookIds } : { app: link.app ?? '' }),
    expiresAt: link.expiresAt.toISOString(),
  };
}
