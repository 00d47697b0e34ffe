// Customer portal links: minting one (its scope checked against the workspace's webhooks), and
// the questions every route asks of a link's scope: does it open this webhook, this delivery,
// which webhooks may a list show. The rules themselves are pure, in src/policy/portal.ts.
import { invalidInput } from '../core/errors';
import { portalExpiry, portalUrl, scopeOf, webhookInScope, type PortalGrant, type PortalScopeInput } from '../policy/portal';
import type { Store } from '../store';
import type { Scope } from '../store/apiKeys';
import type { PortalLinkDoc } from '../store/portalLinks';
import type { AppDeps } from './deps';

export interface PortalLinkInput extends PortalScopeInput {
  ttlSeconds?: number;
}

/** Who mints the link: what it may do, and whose rate budget its requests spend. */
export interface PortalLinkMaker {
  scopes: Scope[];
  principal: string;
}

/**
 * A link for `input`'s scope in workspace `ws`; its token is in the answer only. Every webhook id
 * must be one of the workspace's webhooks: the refusal names the others, whether they do not
 * exist or belong to another workspace (the two are not told apart).
 */
export async function createPortalLink(
  deps: AppDeps,
  ws: string,
  input: PortalLinkInput,
  maker: PortalLinkMaker,
): Promise<{ doc: PortalLinkDoc; token: string; url: string | undefined }> {
  const { store, config } = deps;
  const asked = scopeOf(input);
  if ('problem' in asked) throw invalidInput(asked.problem, asked.fields);
  const { scope } = asked;
  if ('webhookIds' in scope) {
    const found = await store.webhooks.list(ws, { ids: scope.webhookIds, limit: scope.webhookIds.length });
    const known = new Set(found.map((doc) => doc._id));
    const unknown = scope.webhookIds.filter((id) => !known.has(id));
    if (unknown.length) throw invalidInput(`body.webhookIds names webhooks this workspace does not have: ${unknown.join(', ')}`, ['body.webhookIds']);
  }
  const now = new Date();
  const { doc, token } = await store.portalLinks.create(
    ws,
    { scope, scopes: maker.scopes, mintedBy: maker.principal, expiresAt: portalExpiry(now.getTime(), input.ttlSeconds) },
    now,
  );
  return { doc, token, url: portalUrl(config.publicUrl, token) };
}

/**
 * The link a bearer token opens now, or null: unknown, malformed, revoked, expired, or minted by
 * a key revoked since (revoking a leaked key cuts every link it minted).
 */
export async function openPortalLink(store: Store, token: string): Promise<PortalLinkDoc | null> {
  const link = await store.portalLinks.findActiveByToken(token);
  if (!link) return null;
  const makerKey = /^key:(.+)$/.exec(link.mintedBy)?.[1];
  return makerKey === undefined || (await store.apiKeys.isActive(makerKey)) ? link : null;
}

/** Whether the link opens this webhook of its workspace; a deleted one is in no scope. */
export async function webhookInPortalScope(store: Store, grant: PortalGrant, webhookId: string): Promise<boolean> {
  if ('webhookIds' in grant) return grant.webhookIds.includes(webhookId);
  const webhook = await store.webhooks.get(grant.workspaceId, webhookId);
  return webhook !== null && webhookInScope(grant, webhook);
}

/** Whether the link opens this delivery: whether it opens the delivery's webhook. */
export async function deliveryInPortalScope(store: Store, grant: PortalGrant, deliveryId: string): Promise<boolean> {
  const delivery = await store.deliveries.get(grant.workspaceId, deliveryId);
  return delivery !== null && (await webhookInPortalScope(store, grant, delivery.webhookId));
}

/** Every webhook the link opens now: its ids, or those of its app's webhooks as they stand. */
export async function webhookIdsInPortalScope(store: Store, grant: PortalGrant): Promise<string[]> {
  return 'webhookIds' in grant ? grant.webhookIds : store.webhooks.idsOfApp(grant.workspaceId, grant.app);
}
