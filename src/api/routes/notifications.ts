import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireWorkspaceKey } from '../plugins/auth';
import type { AppDeps } from '../../services/deps';
import { DEFAULT_PAGE_SIZE, errorResponses, PageOf, WorkspaceParams } from '../schemas/common';
import { NotificationListQuery, NotificationView } from '../schemas/notification';
import { notificationView, pageView } from '../views';

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
        querystring: NotificationListQuery,
        response: { 200: PageOf(NotificationView), ...errorResponses },
      },
    },
    async (request) => {
      const { cursor, limit = DEFAULT_PAGE_SIZE } = request.query;
      const docs = await deps.store.notifications.list(request.params.ws, limit + 1, cursor);
      return pageView(docs, limit, (doc) => doc._id, notificationView);
    },
  );
}
