// The portal-link form's values, the body of POST /portal-links built from them, and the address
// shown once: pure, so unit tests pin them. Herald checks again and its 400s name the field.
import type { Invalid } from './query';
import type { Session } from './types';

/** The lifetimes Herald accepts, in seconds (its policy, repeated: the console imports no server code). */
export const MIN_PORTAL_TTL_SECONDS = 60;
export const MAX_PORTAL_TTL_SECONDS = 24 * 60 * 60;
export const DEFAULT_PORTAL_TTL_SECONDS = 60 * 60;

export interface PortalLinkForm {
  /** What the link opens: the webhooks ticked, or every webhook of one app. */
  scope: 'webhooks' | 'app';
  webhookIds: string[];
  app: string;
  ttlSeconds: string;
}

export const EMPTY_PORTAL_LINK_FORM: PortalLinkForm = { scope: 'webhooks', webhookIds: [], app: '', ttlSeconds: String(DEFAULT_PORTAL_TTL_SECONDS) };

/** The body of POST /workspaces/{ws}/portal-links: exactly one of webhookIds and app, and the lifetime. */
export function portalLinkBody(form: PortalLinkForm): { body: Record<string, unknown> } | { invalid: Invalid } {
  const ttl = form.ttlSeconds.trim();
  const ttlSeconds = Number(ttl);
  if (!/^\d+$/.test(ttl) || ttlSeconds < MIN_PORTAL_TTL_SECONDS || ttlSeconds > MAX_PORTAL_TTL_SECONDS) {
    return { invalid: { field: 'ttlSeconds', message: `Lifetime: a whole number of seconds from ${MIN_PORTAL_TTL_SECONDS} to ${MAX_PORTAL_TTL_SECONDS}` } };
  }
  if (form.scope === 'app') {
    const app = form.app.trim();
    if (!app) return { invalid: { field: 'app', message: 'App: name the app whose webhooks the link opens' } };
    return { body: { app, ttlSeconds } };
  }
  const webhookIds = [...new Set(form.webhookIds)];
  if (webhookIds.length === 0) return { invalid: { field: 'webhookIds', message: 'Webhooks: tick at least one webhook the link opens' } };
  return { body: { webhookIds, ttlSeconds } };
}

/**
 * The address to hand the customer: Herald's `url` when it has one (HERALD_PUBLIC_URL set), else
 * this console's own address (`consoleUrl`: its origin and path, no fragment) with the token in the fragment.
 */
export function portalLinkAddress(link: { url?: string; token: string }, consoleUrl: string): string {
  return link.url ?? `${consoleUrl.replace(/#.*$/, '')}#portal=${encodeURIComponent(link.token)}`;
}

/** Whether the credential may mint portal links: the admin key, or a workspace key with webhooks:write (scopes unknown on an older Herald: let the API answer). */
export function canMintPortalLinks(session: Session): boolean {
  if (session.kind === 'admin') return true;
  if (session.kind !== 'workspace') return false;
  return session.scopes === undefined || session.scopes.includes('webhooks:write');
}
