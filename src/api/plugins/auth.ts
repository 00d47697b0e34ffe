import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyDoc, Scope } from '../../store/apiKeys';
import type { Store } from '../../store';
import { isPortalToken, type PortalLinkDoc } from '../../store/portalLinks';
import { notFoundError } from '../../core/errors';
import { openPortalLink } from '../../services/portalLinks';
import { HttpError } from './errors';
import { admitPortalLink, refuseRouteToPortal } from './portal';

declare module 'fastify' {
  interface FastifyRequest {
    workspaceId?: string;
    /** Who presented the bearer key; set by every hook below once the key is known. */
    credential?: Credential;
  }
}

/** What a bearer key turned out to be. */
export type Credential = { kind: 'admin' } | { kind: 'workspace'; key: ApiKeyDoc } | { kind: 'portal'; link: PortalLinkDoc };

// Routes run these as `onRequest` hooks: a caller is authenticated before its body is read or
// validated, so an anonymous request learns nothing about the schema and buffers no body.
const unauthorized = () => new HttpError(401, 'unauthorized', 'a valid API key is required: Authorization: Bearer <key>');

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/**
 * The admin key is compared in constant time: both sides are hashed to 32 bytes first, so neither
 * their contents nor their lengths show in the timing. Workspace keys are never compared: the
 * store looks up the SHA-256 of the presented key, and what the lookup's timing could reveal is
 * how a hash of the caller's own guess sorts, which says nothing about any real key. Portal tokens
 * carry their link's id: the link is read by id and its hash compared in constant time.
 */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

async function identify(store: Store, adminKey: string | undefined, key: string): Promise<Credential | undefined> {
  if (adminKey && sameSecret(key, adminKey)) return { kind: 'admin' };
  if (isPortalToken(key)) {
    const link = await openPortalLink(store, key);
    return link ? { kind: 'portal', link } : undefined;
  }
  const record = await store.apiKeys.findActiveByKey(key);
  return record ? { kind: 'workspace', key: record } : undefined;
}

/**
 * The rate budget a credential spends: its own key's, or the admin key's. A portal link spends its
 * maker's, so the workspace pays for its customers' requests and minting links adds no budget.
 */
function principalOf(credential: Credential): string {
  if (credential.kind === 'admin') return 'admin';
  if (credential.kind === 'workspace') return `key:${credential.key._id}`;
  return credential.link.mintedBy;
}

/** Authenticates the caller and charges its budget: the steps every route's hook starts with. */
async function authenticate(store: Store, adminKey: string | undefined, request: FastifyRequest, reply: FastifyReply): Promise<Credential> {
  const key = bearer(request);
  const credential = key ? await identify(store, adminKey, key) : undefined;
  if (!credential) throw unauthorized();
  request.credential = credential;
  request.principal = principalOf(credential);
  await request.chargeCaller(reply);
  return credential;
}

/** Any valid credential: for routes about the caller itself (GET /session). */
export function requireCaller(store: Store, adminKey: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    await authenticate(store, adminKey, request, reply);
  };
}

/**
 * The admin key only. A workspace key answers 401, as if unknown. Given the store, a live portal
 * link answers 403: it is a credential, refused the route (an expired or revoked one is none: 401).
 */
export function requireAdmin(adminKey: string | undefined, store?: Store) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = bearer(request);
    if (key && adminKey && sameSecret(key, adminKey)) {
      request.credential = { kind: 'admin' };
      request.principal = 'admin';
      await request.chargeCaller(reply);
      return;
    }
    if (!store || !key || !isPortalToken(key)) throw unauthorized();
    await authenticate(store, adminKey, request, reply);
    throw refuseRouteToPortal();
  };
}

/**
 * A workspace key opens only its own workspace: another workspace's ids answer 404, never 403,
 * so ids cannot be probed. A key without the scope the route needs answers 403. A portal link
 * opens only the routes that declare `config.portal`, and only for the webhooks of its scope
 * (plugins/portal.ts).
 */
export function requireWorkspaceKey(store: Store, adminKey: string | undefined, scope: Scope) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const credential = await authenticate(store, adminKey, request, reply);
    const workspaceId = (request.params as { ws?: string }).ws;
    if (credential.kind === 'admin') {
      if (!workspaceId || !(await store.workspaces.get(workspaceId))) throw notFoundError('workspace');
      request.workspaceId = workspaceId;
      return;
    }
    const owner = credential.kind === 'workspace' ? credential.key.workspaceId : credential.link.workspaceId;
    if (owner !== workspaceId) throw notFoundError('workspace');
    if (credential.kind === 'portal') {
      await admitPortalLink(request, store, credential.link, scope);
    } else if (!credential.key.scopes.includes(scope)) {
      throw new HttpError(403, 'forbidden', `this API key lacks the ${scope} scope`);
    }
    request.workspaceId = workspaceId;
  };
}
