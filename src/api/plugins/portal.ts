// What a customer portal link may do, decided in one place. A route opens itself to portal links
// by declaring `config: { portal: … }`; every other route answers a link 403. How the route
// keeps the link within its scope:
//   'webhook'   the route's `:id` is a webhook: the auth hook answers 404 unless the link opens it
//   'delivery'  the route's `:id` is a delivery: 404 unless the link opens the delivery's webhook
//   'filtered'  the handler narrows what it reads with the helpers below (lists, create, and
//               resources reached through another id)
//   'open'      the answer is the same for every caller of the workspace (the event catalog)
// The document shows each route's declaration as `x-herald-portal`.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFoundError } from '../../core/errors';
import type { PortalGrant } from '../../policy/portal';
import type { Store } from '../../store';
import type { Scope } from '../../store/apiKeys';
import { scopeOfLink, type PortalLinkDoc } from '../../store/portalLinks';
import { deliveryInPortalScope, webhookIdsInPortalScope, webhookInPortalScope } from '../../services/portalLinks';
import { HttpError } from './errors';

export type PortalRoute = 'webhook' | 'delivery' | 'filtered' | 'open';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when a portal link authenticated the request: its workspace and the webhooks it opens. */
    portal?: PortalGrant;
  }
  interface FastifyContextConfig {
    /** Whether and how a portal link may use the route (see plugins/portal.ts); absent: 403. */
    portal?: PortalRoute;
  }
}

/** A portal link on a route it may not use: the route is refused, whatever the ids in it. */
export const refuseRouteToPortal = () => new HttpError(403, 'forbidden', 'a portal link cannot use this route');

const grantOf = (link: PortalLinkDoc): PortalGrant => ({ linkId: link._id, workspaceId: link.workspaceId, expiresAt: link.expiresAt, ...scopeOfLink(link) });

/**
 * Admits a portal link of the route's own workspace (requireWorkspaceKey checked that), or
 * refuses it: 403 when the route is closed to links or the link's maker lacked the scope, 404
 * when the route's `:id` is a webhook or delivery outside the link's scope.
 */
export async function admitPortalLink(request: FastifyRequest, store: Store, link: PortalLinkDoc, scope: Scope): Promise<void> {
  const access = request.routeOptions.config.portal;
  if (access === undefined) throw refuseRouteToPortal();
  if (!link.scopes.includes(scope)) throw new HttpError(403, 'forbidden', `this portal link lacks the ${scope} scope`);
  const grant = grantOf(link);
  request.portal = grant;
  const id = (request.params as { id?: string }).id ?? '';
  if (access === 'webhook' && !(await webhookInPortalScope(store, grant, id))) throw notFoundError('webhook');
  if (access === 'delivery' && !(await deliveryInPortalScope(store, grant, id))) throw notFoundError('delivery');
}

/**
 * For a resource reached through another id (a recovery, an event's deliveries): 404, naming
 * `what`, unless a portal link's request may see `webhookId`. Keys and the admin key pass.
 */
export async function requireWebhookInPortalScope(request: FastifyRequest, store: Store, webhookId: string, what = 'webhook'): Promise<void> {
  if (request.portal && !(await webhookInPortalScope(store, request.portal, webhookId))) throw notFoundError(what);
}

/** The webhooks a list may show to this request: undefined (all) for keys and the admin key. */
export async function portalWebhookIds(request: FastifyRequest, store: Store): Promise<string[] | undefined> {
  return request.portal ? webhookIdsInPortalScope(store, request.portal) : undefined;
}

/** Keeps the records a portal link's request may see (each names its webhook); all for keys and the admin key. */
export async function keepInPortalScope<T>(request: FastifyRequest, store: Store, records: T[], webhookIdOf: (record: T) => string): Promise<T[]> {
  const visible = await portalWebhookIds(request, store);
  if (visible === undefined) return records;
  const allowed = new Set(visible);
  return records.filter((record) => allowed.has(webhookIdOf(record)));
}

/**
 * How a list of webhooks narrows for this request: to the link's ids or app, and to the app the
 * query asks for. Null when the query asks for an app outside the link's: nothing to list.
 */
export function webhookListScope(request: FastifyRequest, askedApp: string | undefined): { ids?: string[]; app?: string } | null {
  const grant = request.portal;
  const asked = askedApp !== undefined ? { app: askedApp } : {};
  if (!grant) return asked;
  if ('webhookIds' in grant) return { ids: grant.webhookIds, ...asked };
  return askedApp === undefined || askedApp === grant.app ? { app: grant.app } : null;
}

/**
 * The app of a webhook created through this request. A link scoped to an app creates webhooks
 * of that app (the body may name it, or nothing); a link scoped to webhook ids creates none.
 */
export function appOfNewWebhook(request: FastifyRequest, bodyApp: string | undefined): string | undefined {
  const grant = request.portal;
  if (!grant) return bodyApp;
  if ('webhookIds' in grant) throw new HttpError(403, 'forbidden', 'a portal link scoped to webhook ids cannot create webhooks');
  if (bodyApp !== undefined && bodyApp !== grant.app) {
    throw new HttpError(403, 'forbidden', `body.app must be ${JSON.stringify(grant.app)}, this portal link's app, or absent`, { fields: ['body.app'] });
  }
  return grant.app;
}

/**
 * A portal link never moves a webhook between apps: a webhook without an app hears every app's
 * events, so clearing or changing it would show the customer other customers' events.
 */
export function refuseAppChangeByPortal(request: FastifyRequest, app: string | null | undefined): void {
  const grant = request.portal;
  if (!grant || app === undefined) return;
  if ('app' in grant && app === grant.app) return;
  throw new HttpError(403, 'forbidden', 'body.app cannot be changed through a portal link', { fields: ['body.app'] });
}

/** Shows each route's portal declaration in /openapi.json as `x-herald-portal`, for the console and the tests. */
export function registerPortalDocumentation(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const access = route.config?.portal;
    // In place: @fastify/swagger keeps a reference to these route options.
    if (access !== undefined && route.schema) (route.schema as Record<string, unknown>)['x-herald-portal'] = access;
  });
}
