// Customer portal links: what a link opens, how long it lives and where it points. A workspace
// mints one for its own customer; the customer's browser presents its token to the same REST
// routes a key uses, and sees only the webhooks of the link's scope. Pure, so the API's checks and
// the unit tests read the same rules.

/**
 * What a portal link opens: some webhooks by id, or every webhook of one app, those created
 * after the link included (a customer of the workspace is usually one app).
 */
export type PortalScope = { webhookIds: string[] } | { app: string };

/** A portal link as an authenticated request carries it: which link, whose workspace, until when, what it opens. */
export type PortalGrant = PortalScope & { linkId: string; workspaceId: string; expiresAt: Date };

/** A link lives an hour unless asked otherwise: long enough for a session, short enough to leak little. */
export const DEFAULT_PORTAL_TTL_SECONDS = 60 * 60;
/** At least a minute: a shorter link would expire before the page that uses it has loaded. */
export const MIN_PORTAL_TTL_SECONDS = 60;
/** At most a day: a portal link is a session, not a credential to keep. */
export const MAX_PORTAL_TTL_SECONDS = 24 * 60 * 60;
/** Webhooks one link may name; an app scope has no such limit. */
export const MAX_PORTAL_WEBHOOKS = 100;

/** Where the console reads a portal token: the URL's fragment, which no browser sends to a server (or its logs). */
export const PORTAL_FRAGMENT_KEY = 'portal';

/** What a request to mint a link asks for, its shape already checked against the schema. */
export interface PortalScopeInput {
  webhookIds?: string[];
  app?: string;
}

/** The scope a request asks for, or why it cannot have one, naming the fields at fault. */
export function scopeOf(input: PortalScopeInput): { scope: PortalScope } | { problem: string; fields: string[] } {
  const { webhookIds, app } = input;
  if (webhookIds !== undefined && app !== undefined) {
    return { problem: 'body must name either webhookIds or app, not both', fields: ['body.webhookIds', 'body.app'] };
  }
  if (webhookIds !== undefined) return { scope: { webhookIds } };
  if (app !== undefined) return { scope: { app } };
  return { problem: 'body.webhookIds or body.app is required: the webhooks the link opens', fields: ['body.webhookIds', 'body.app'] };
}

/** Whether the scope opens this webhook: by its id, or by its app. */
export function webhookInScope(scope: PortalScope, webhook: { _id: string; app?: string | undefined }): boolean {
  return 'webhookIds' in scope ? scope.webhookIds.includes(webhook._id) : webhook.app === scope.app;
}

/** When a link minted at `nowMs` stops opening anything. */
export function portalExpiry(nowMs: number, ttlSeconds: number = DEFAULT_PORTAL_TTL_SECONDS): Date {
  return new Date(nowMs + ttlSeconds * 1000);
}

/** Whether a link expiring at `expiresAt` still opens its scope at `now`. */
export function portalLinkLive(expiresAt: Date, now: Date): boolean {
  return expiresAt.getTime() > now.getTime();
}

/**
 * The link handed to the customer: the console under Herald's public URL, the token in the
 * fragment. None without a public URL: Herald does not guess under which origin people reach it.
 */
export function portalUrl(publicUrl: string | undefined, token: string): string | undefined {
  if (publicUrl === undefined) return undefined;
  return `${publicUrl}/console/#${PORTAL_FRAGMENT_KEY}=${encodeURIComponent(token)}`;
}
