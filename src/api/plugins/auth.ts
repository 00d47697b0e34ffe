import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Scope } from '../../store/apiKeys';
import type { Store } from '../../store';
import { notFoundError } from '../../core/errors';
import { HttpError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    workspaceId?: string;
  }
}

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
 * how a hash of the caller's own guess sorts, which says nothing about any real key.
 */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function requireAdmin(adminKey: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = bearer(request);
    if (!key || !adminKey || !sameSecret(key, adminKey)) throw unauthorized();
    request.principal = 'admin';
    await request.chargeCaller(reply);
  };
}

/**
 * A workspace key opens only its own workspace: another workspace's ids answer 404, never 403,
 * so ids cannot be probed. A key without the scope the route needs answers 403.
 */
export function requireWorkspaceKey(store: Store, adminKey: string | undefined, scope: Scope) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = bearer(request);
    if (!key) throw unauthorized();
    const workspaceId = (request.params as { ws?: string }).ws;
    if (adminKey && sameSecret(key, adminKey)) {
      request.principal = 'admin';
      await request.chargeCaller(reply);
      if (!workspaceId || !(await store.workspaces.get(workspaceId))) throw notFoundError('workspace');
      request.workspaceId = workspaceId;
      return;
    }
    const record = await store.apiKeys.findActiveByKey(key);
    if (!record) throw unauthorized();
    request.principal = `key:${record._id}`;
    await request.chargeCaller(reply);
    if (record.workspaceId !== workspaceId) throw notFoundError('workspace');
    if (!record.scopes.includes(scope)) throw new HttpError(403, 'forbidden', `this API key lacks the ${scope} scope`);
    request.workspaceId = workspaceId;
  };
}
