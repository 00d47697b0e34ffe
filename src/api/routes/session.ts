import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../services/deps';
import { requireCaller } from '../plugins/auth';
import { HttpError } from '../plugins/errors';
import { Envelope, errorResponses } from '../schemas/common';
import { SessionView } from '../schemas/session';
import { envelope, sessionView } from '../views';

/** Who the caller is: the admin, a workspace key, or a portal link and what it opens. For the console. */
export async function sessionRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/session',
    {
      onRequest: requireCaller(deps.store, deps.config.adminKey),
      schema: {
        tags: ['session'],
        summary: 'The credential presented: admin key, workspace key (its scopes) or portal link (its scope and expiry)',
        response: { 200: Envelope(SessionView), ...errorResponses },
      },
    },
    async (request) => {
      if (!request.credential) throw new HttpError(401, 'unauthorized', 'a valid API key is required: Authorization: Bearer <key>');
      return envelope(sessionView(request.credential));
    },
  );
}
