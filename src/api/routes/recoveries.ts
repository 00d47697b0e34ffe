import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { notFoundError } from '../../core/errors';
import { requireWorkspaceKey } from '../plugins/auth';
import { requireWebhookInPortalScope } from '../plugins/portal';
import type { AppDeps } from '../../services/deps';
import { startRecovery } from '../../services/recoveries';
import { findWebhook } from '../../services/webhooks';
import { DEFAULT_PAGE_SIZE, Envelope, errorResponses, PageOf, ResourceParams } from '../schemas/common';
import { RecoverBody, RecoveryListQuery, RecoveryView } from '../schemas/recovery';
import { envelope, pageView, recoveryView } from '../views';

/** Recovering a webhook's ended deliveries: start one, follow it, list them. */
export async function recoveryRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store, config } = deps;
  const read = requireWorkspaceKey(store, config.adminKey, 'deliveries:read');
  const write = requireWorkspaceKey(store, config.adminKey, 'deliveries:write');
  const tags = ['deliveries'];

  app.post(
    '/workspaces/:ws/webhooks/:id/recover',
    {
      onRequest: write,
      config: { portal: 'webhook' },
      schema: {
        tags,
        summary: "Resend the webhook's failed, expired, dropped or discarded deliveries of a time range, in order",
        description:
          "Answers 202 at once; a workflow (recovery/{ws}/{recoveryId}) resends the deliveries created in [since, until) (until: now by default) one after the other, by their event's receipt, each with one fresh attempt as a manual retry makes, past the retry policy's maximum age too. GET /recoveries/{id} shows its progress. An inactive webhook, or one replaying its buffer, answers 409: activate it first; so does a webhook with a recovery still running.",
        params: ResourceParams,
        body: RecoverBody,
        response: { 202: Envelope(RecoveryView), ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (request, reply) => {
      const { ws, id } = request.params;
      const { since, until, statuses } = request.body;
      const doc = await startRecovery(deps, ws, id, { since, ...(until !== undefined ? { until } : {}), ...(statuses !== undefined ? { statuses } : {}) });
      reply.code(202);
      return envelope(recoveryView(doc));
    },
  );

  app.get(
    '/workspaces/:ws/webhooks/:id/recoveries',
    {
      onRequest: read,
      config: { portal: 'webhook' },
      schema: {
        tags,
        summary: "The webhook's recoveries, newest first",
        params: ResourceParams,
        querystring: RecoveryListQuery,
        response: { 200: PageOf(RecoveryView), ...errorResponses },
      },
    },
    async (request) => {
      const { ws, id } = request.params;
      const { cursor, limit = DEFAULT_PAGE_SIZE } = request.query;
      await findWebhook(store, ws, id);
      const docs = await store.recoveries.listOfWebhook(ws, id, { limit: limit + 1, ...(cursor !== undefined ? { before: cursor } : {}) });
      return pageView(docs, limit, (doc) => doc._id, recoveryView);
    },
  );

  app.get(
    '/workspaces/:ws/recoveries/:id',
    {
      onRequest: read,
      config: { portal: 'filtered' },
      schema: {
        tags,
        summary: 'A recovery: its range, state and counts',
        params: ResourceParams,
        response: { 200: Envelope(RecoveryView), ...errorResponses },
      },
    },
    async (request) => {
      const doc = await store.recoveries.get(request.params.ws, request.params.id);
      if (!doc) throw notFoundError('recovery');
      await requireWebhookInPortalScope(request, store, doc.webhookId, 'recovery');
      return envelope(recoveryView(doc));
    },
  );
}
