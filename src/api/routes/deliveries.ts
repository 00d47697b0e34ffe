import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { notFoundError } from '../../core/errors';
import { requireWorkspaceKey } from '../plugins/auth';
import { portalWebhookIds } from '../plugins/portal';
import { cancelDelivery, retryDelivery } from '../../services/deliveryControl';
import type { AppDeps } from '../../services/deps';
import { DEFAULT_PAGE_SIZE, Envelope, errorResponses, PageOf, WorkspaceParams } from '../schemas/common';
import { DeliveryDetailView, DeliveryListQuery, DeliveryParams, DeliveryView } from '../schemas/delivery';
import { previewRequest } from '../../services/requestPreview';
import { deliveryView, envelope, pageView } from '../views';

/** The webhook queue: every delivery, its attempts, manual retry and cancel. */
export async function deliveryRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store, config } = deps;
  const read = requireWorkspaceKey(store, config.adminKey, 'deliveries:read');
  const write = requireWorkspaceKey(store, config.adminKey, 'deliveries:write');
  const tags = ['deliveries'];

  const load = async (ws: string, id: string) => {
    const doc = await store.deliveries.get(ws, id);
    if (!doc) throw notFoundError('delivery');
    return doc;
  };

  app.get(
    '/workspaces/:ws/deliveries',
    {
      onRequest: read,
      config: { portal: 'filtered' },
      schema: {
        tags,
        summary: 'List deliveries, oldest first, filtered by webhook, event, event type, status and creation time',
        description:
          '`since` (inclusive) and `until` (exclusive) bound the creation time, which is the event’s receipt; every filter combines with the others.',
        params: WorkspaceParams,
        querystring: DeliveryListQuery,
        response: { 200: PageOf(DeliveryView), ...errorResponses },
      },
    },
    async (request) => {
      const { webhookId, eventId, eventType, status, since, until, cursor, limit = DEFAULT_PAGE_SIZE } = request.query;
      const webhookIds = await portalWebhookIds(request, store);
      const docs = await store.deliveries.list(request.params.ws, {
        limit: limit + 1,
        ...(webhookIds !== undefined ? { webhookIds } : {}),
        ...(webhookId !== undefined ? { webhookId } : {}),
        ...(eventId !== undefined ? { eventId } : {}),
        ...(eventType !== undefined ? { eventType } : {}),
        ...(status !== undefined ? { status } : {}),
        ...(since !== undefined ? { since: new Date(since) } : {}),
        ...(until !== undefined ? { until: new Date(until) } : {}),
        ...(cursor !== undefined ? { after: cursor } : {}),
      });
      return pageView(docs, limit, (doc) => doc.seq, deliveryView);
    },
  );

  app.get(
    '/workspaces/:ws/deliveries/:id',
    {
      onRequest: read,
      config: { portal: 'delivery' },
      schema: {
        tags,
        summary: 'A delivery: status, lane, every attempt, next attempt, and its request with secrets masked',
        description:
          'The request is rebuilt when read, from the webhook and the event as they stand now, for the next attempt (or the last one made); Authorization, the signatures, custom header values and any header named like a credential show `••••`. Null when the webhook or the event no longer exists, or the request cannot be built.',
        params: DeliveryParams,
        response: { 200: Envelope(DeliveryDetailView), ...errorResponses },
      },
    },
    async (request) => {
      const doc = await load(request.params.ws, request.params.id);
      return envelope({ ...deliveryView(doc), request: await previewRequest(store, doc) });
    },
  );

  app.post(
    '/workspaces/:ws/deliveries/:id/retry',
    {
      onRequest: write,
      config: { portal: 'delivery' },
      schema: {
        tags,
        summary: 'Retry now (pending) or make one fresh attempt (failed); 409 when expired',
        params: DeliveryParams,
        response: { 202: Envelope(DeliveryView), ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (request, reply) => {
      const doc = await retryDelivery(deps, await load(request.params.ws, request.params.id));
      reply.code(202);
      return envelope(deliveryView(doc));
    },
  );

  app.post(
    '/workspaces/:ws/deliveries/:id/cancel',
    {
      onRequest: write,
      config: { portal: 'delivery' },
      schema: {
        tags,
        summary: 'Cancel a pending delivery',
        params: DeliveryParams,
        response: { 202: Envelope(DeliveryView), ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (request, reply) => {
      const doc = await cancelDelivery(deps, await load(request.params.ws, request.params.id));
      reply.code(202);
      return envelope(deliveryView(doc));
    },
  );
}
