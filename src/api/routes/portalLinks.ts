import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { notFoundError } from '../../core/errors';
import { SCOPES } from '../../store/apiKeys';
import { createPortalLink, type PortalLinkMaker } from '../../services/portalLinks';
import type { AppDeps } from '../../services/deps';
import { requireWorkspaceKey } from '../plugins/auth';
import { Envelope, errorResponses, ResourceParams, WorkspaceParams } from '../schemas/common';
import { CreatePortalLinkBody, PortalLinkView } from '../schemas/portalLink';
import { envelope, portalLinkView } from '../views';

/** The key (or the admin key) minting a link: the link gets its scopes and spends its rate budget. */
function makerOf(request: FastifyRequest): PortalLinkMaker {
  const credential = request.credential;
  const scopes = credential?.kind === 'workspace' ? credential.key.scopes : [...SCOPES];
  return { scopes, principal: request.principal ?? 'admin' };
}

/**
 * Customer portal links: a workspace mints a short-lived link for its own customer, scoped to
 * some webhooks or to one app, and revokes it. Portal links themselves cannot mint or revoke.
 */
export async function portalLinkRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store, config } = deps;
  const write = requireWorkspaceKey(store, config.adminKey, 'webhooks:write');
  const tags = ['portal'];

  app.post(
    '/workspaces/:ws/portal-links',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Mint a customer portal link for some webhooks or one app; the token is shown once',
        description:
          'The token opens, as `Authorization: Bearer <token>`, only the routes marked `x-herald-portal`, and there only the webhooks of its scope and their deliveries, until `expiresAt`. `url` (with HERALD_PUBLIC_URL) opens the console in portal mode with the token in its fragment.',
        params: WorkspaceParams,
        body: CreatePortalLinkBody,
        response: { 201: Envelope(PortalLinkView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { doc, token, url } = await createPortalLink(deps, request.params.ws, request.body, makerOf(request));
      reply.code(201);
      return envelope(portalLinkView(doc, token, url));
    },
  );

  app.delete(
    '/workspaces/:ws/portal-links/:id',
    {
      onRequest: write,
      schema: { tags, summary: 'Revoke a portal link at once', params: ResourceParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      if (!(await store.portalLinks.revoke(request.params.ws, request.params.id))) throw notFoundError('portal link');
      reply.code(204).send(null);
    },
  );
}
