// One-click reactivation: the link a `webhook.deactivated` notification carries, and what opening
// and using it does. The link is a capability (src/security/activationTokens.ts) for one webhook
// and one deactivation, until the buffer window closes, used once. Opening it reads only; using it
// asks the webhook's health workflow to switch it on, exactly as POST /webhooks/{id}/activate does.
import { bufferUntilMs } from '../policy/endpointHealth';
import type { ActivationClaims, ActivationTokens } from '../security/activationTokens';
import type { Store } from '../store';
import type { ActivationChoice, UsedActivationLinkDoc } from '../store/activationLinks';
import type { NotificationDoc } from '../store/notifications';
import type { WebhookDoc } from '../store/types';
import { requestActivation } from '../temporal/endpointHealth';
import type { AppDeps } from './deps';

/** Where the links live, outside /v1: pages for people, not the REST API. */
export const ACTIVATION_LINK_PATH = '/reactivate';

/** What the worker needs to put a link into a notification. */
export interface ActivationLinkIssuer {
  /** HERALD_PUBLIC_URL. */
  publicUrl: string;
  tokens: ActivationTokens;
}

/**
 * Why a link is refused, as its page says it: `invalid` (malformed, altered, or naming what is not
 * there), `expired` (the buffer window closed), `used` (clicked before), `over` (the webhook was
 * switched on, off again, or deleted since). None of them shows anything of the webhook.
 */
export type LinkRefusal = 'invalid' | 'expired' | 'used' | 'over';

export type Refused = { ok: false; refusal: LinkRefusal };

/** The buffer window's setting, the webhook's or its workspace's. */
type BufferWindow = { bufferSeconds?: number };

/** The link of the deactivation that happened at `deactivatedAtMs`, valid until the buffer window it opened closes. */
export function activationUrl(
  issuer: ActivationLinkIssuer,
  notice: { workspaceId: string; webhookId: string; notificationId: string; deactivatedAtMs: number },
  buffer: { webhook?: BufferWindow; workspace?: BufferWindow },
): string {
  // The window as the deactivation recorded it (markDeactivated uses the same rule and time).
  const claims: ActivationClaims = { ...notice, expiresAtMs: bufferUntilMs(notice.deactivatedAtMs, buffer.webhook, buffer.workspace) };
  return `${issuer.publicUrl}${ACTIVATION_LINK_PATH}/${issuer.tokens.sign(claims)}`;
}

/** A link that may be used now: its deactivation is the webhook's current one. */
export interface OpenLink {
  claims: ActivationClaims;
  notification: NotificationDoc;
  webhook: WebhookDoc;
  /** Deliveries waiting in the buffer. */
  buffered: number;
  /** When the buffer closes, and the link with it. */
  bufferUntil: Date;
}

/** The token's notification, if the token is genuine, unexpired, and names one of that workspace's deactivations. */
async function genuine(
  store: Store,
  tokens: ActivationTokens,
  token: string,
  now: Date,
): Promise<Refused | { ok: true; claims: ActivationClaims; notification: NotificationDoc }> {
  const check = tokens.verify(token, now.getTime());
  if (!check.ok) return { ok: false, refusal: check.problem };
  const { claims } = check;
  const notification = await store.notifications.get(claims.workspaceId, claims.notificationId);
  // Retention deleted it, or the claims were signed for another workspace or webhook: nothing to say.
  if (!notification || notification.type !== 'webhook.deactivated' || notification.webhookId !== claims.webhookId) return { ok: false, refusal: 'invalid' };
  return { ok: true, claims, notification };
}

/** What the link's page shows; reads only, so a mail scanner that fetches the link changes nothing. */
export async function openActivationLink(
  store: Store,
  tokens: ActivationTokens,
  token: string,
  now = new Date(),
): Promise<Refused | { ok: true; link: OpenLink }> {
  const found = await genuine(store, tokens, token, now);
  if (!found.ok) return found;
  const { claims, notification } = found;
  const [used, webhook] = await Promise.all([
    store.activationLinks.get(claims.workspaceId, claims.notificationId),
    store.webhooks.get(claims.workspaceId, claims.webhookId),
  ]);
  if (used) return { ok: false, refusal: 'used' };
  if (!webhook || webhook.active || webhook.deactivatedAt?.getTime() !== claims.deactivatedAtMs) return { ok: false, refusal: 'over' };
  const buffered = await store.deliveries.countBuffered(claims.workspaceId, claims.webhookId);
  return { ok: true, link: { claims, notification, webhook, buffered, bufferUntil: webhook.bufferUntil ?? new Date(claims.expiresAtMs) } };
}

/**
 * Uses the link: marks it used (one click of two at once wins), then asks the webhook's health
 * workflow to switch it on, replaying or discarding the buffer, and answers once it has. If that
 * request fails the mark is taken back, so the link can be tried again.
 */
export async function useActivationLink(
  deps: AppDeps,
  tokens: ActivationTokens,
  token: string,
  choice: ActivationChoice,
  now = new Date(),
): Promise<Refused | { ok: true }> {
  const opened = await openActivationLink(deps.store, tokens, token, now);
  if (!opened.ok) return opened;
  const { claims, webhook, buffered } = opened.link;
  const marked = await deps.store.activationLinks.markUsed({
    _id: claims.notificationId,
    workspaceId: claims.workspaceId,
    webhookId: claims.webhookId,
    choice,
    buffered,
    usedAt: now,
  });
  if (!marked) return { ok: false, refusal: 'used' };
  try {
    await requestActivation(deps.temporal, webhook, { replayEvents: choice === 'replay' });
  } catch (error) {
    await deps.store.activationLinks.release(claims.workspaceId, claims.notificationId);
    throw error;
  }
  return { ok: true };
}

/** What a used link started, as its result page shows it: the webhook's state now, and the replay's progress. */
export interface LinkOutcome {
  webhook: WebhookDoc;
  used: UsedActivationLinkDoc;
  /** Deliveries still in the buffer. */
  buffered: number;
}

/** The outcome of a used link; `unused` when it has not been used yet (its page is where to go). */
export async function activationOutcome(
  store: Store,
  tokens: ActivationTokens,
  token: string,
  now = new Date(),
): Promise<Refused | { ok: false; refusal: 'unused' } | { ok: true; outcome: LinkOutcome }> {
  const found = await genuine(store, tokens, token, now);
  if (!found.ok) return found;
  const { claims } = found;
  const [used, webhook] = await Promise.all([
    store.activationLinks.get(claims.workspaceId, claims.notificationId),
    store.webhooks.get(claims.workspaceId, claims.webhookId),
  ]);
  if (!used) return { ok: false, refusal: 'unused' };
  if (!webhook) return { ok: false, refusal: 'over' };
  return { ok: true, outcome: { webhook, used, buffered: await store.deliveries.countBuffered(claims.workspaceId, claims.webhookId) } };
}
