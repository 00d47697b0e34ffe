import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireWorkspaceKey } from '../plugins/auth';
import type { AppDeps } from '../deps';
import { errorResponses, pageOf, WorkspaceParams } from '../schemas/common';

const NotificationView = Type.Object({
  id: Type.String(),
  type: Type.String(),
  webhookId: Type.String(),
  message: Type.String(),
  activationPath: Type.Optional(Type.String()),
  deliveryId: Type.Optional(Type.String({ description: 'Its delivery to the workspace notification URL, when one is set: GET /deliveries/{id}.' })),
  createdAt: Type.String(),
});

/** System notifications of the workspace: webhooks deactivated (with the call that reactivates them) and reactivated. */
export async function notificationRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/workspaces/:ws/notifications',
    {
      onRequest: requireWorkspaceKey(deps.store, deps.config.adminKey, 'webhooks:read'),
      schema: {
        tags: ['notifications'],
        summary: 'System notifications, oldest first',
        params: WorkspaceParams,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), cursor: Type.Optional(Type.String({ maxLength: 300 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ data: Type.Array(NotificationView), error: Type.Null(), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const docs = await deps.store.notifications.list(request.params.ws, limit + 1, request.query.cursor);
      const page = pageOf(docs, limit, (doc) => doc._id);
      return {
        data: page.items.map((doc) => ({
          id: doc._id,
          type: doc.type,
          webhookId: doc.webhookId,
          message: doc.message,
          ...(doc.activationPath ? { activationPath: doc.activationPath } : {}),
          ...(doc.deliveryId ? { deliveryId: doc.deliveryId } : {}),
          createdAt: doc.createdAt.toISOString(),
        })),
        error: null,
        nextCursor: page.nextCursor,
      };
    },
  );
}
