import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DELIVERY_STATUSES } from '../../core/domain';
import type { DeliveryDoc } from '../../store/deliveries';
import { requireWorkspaceKey } from '../plugins/auth';
import { cancelDelivery, retryDelivery } from '../../services/deliveryControl';
import type { AppDeps } from '../deps';
import { envelope, notFound } from '../plugins/errors';
import { Envelope, errorResponses, pageOf, WorkspaceParams } from '../schemas/common';

const AttemptView = Type.Object({
  n: Type.Integer(),
  at: Type.String(),
  durationMs: Type.Number(),
  statusCode: Type.Optional(Type.Integer()),
  error: Type.Optional(Type.Object({ kind: Type.String(), message: Type.String() })),
  responseSnippet: Type.Optional(Type.String()),
});
const DeliveryView = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  webhookId: Type.String(),
  status: Type.String(),
  lane: Type.String(),
  attempts: Type.Array(AttemptView),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
// Delivery ids contain slashes (delivery/{ws}/{event}/{webhook}); callers URL-encode them.
const DeliveryParams = Type.Object({ ws: Type.String({ minLength: 1, maxLength: 100 }), id: Type.String({ minLength: 1, maxLength: 700 }) });

function deliveryView(doc: DeliveryDoc) {
  return {
    id: doc._id,
    eventId: doc.eventId,
    eventType: doc.eventType,
    webhookId: doc.webhookId,
    status: doc.status,
    lane: doc.lane,
    attempts: doc.attempts,
    nextAttemptAt: doc.status === 'pending' && doc.nextAttemptAt ? doc.nextAttemptAt.toISOString() : null,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/** The webhook queue: every delivery, its attempts, manual retry and cancel. */
export async function deliveryRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store, config } = deps;
  const read = requireWorkspaceKey(store, config.adminKey, 'deliveries:read');
  const write = requireWorkspaceKey(store, config.adminKey, 'deliveries:write');
  const tags = ['deliveries'];

  const load = async (ws: string, id: string) => {
    const doc = await store.deliveries.get(ws, id);
    if (!doc) throw notFound('delivery');
    return doc;
  };

  app.get(
    '/workspaces/:ws/deliveries',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'List deliveries, oldest first, filtered by webhook, event and status',
        params: WorkspaceParams,
        querystring: Type.Object(
          {
            webhookId: Type.Optional(Type.String({ maxLength: 200 })),
            eventId: Type.Optional(Type.String({ maxLength: 200 })),
            status: Type.Optional(Type.Union(DELIVERY_STATUSES.map((s) => Type.Literal(s)))),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            cursor: Type.Optional(Type.String({ maxLength: 300 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ data: Type.Array(DeliveryView), error: Type.Null(), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { webhookId, eventId, status, cursor } = request.query;
      const limit = request.query.limit ?? 50;
      const docs = await store.deliveries.list(request.params.ws, {
        limit: limit + 1,
        ...(webhookId !== undefined ? { webhookId } : {}),
        ...(eventId !== undefined ? { eventId } : {}),
        ...(status !== undefined ? { status } : {}),
        ...(cursor !== undefined ? { after: cursor } : {}),
      });
      const page = pageOf(docs, limit, (doc) => doc.seq);
      return { data: page.items.map(deliveryView), error: null, nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/workspaces/:ws/deliveries/:id',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'A delivery: status, lane, every attempt, next attempt',
        params: DeliveryParams,
        response: { 200: Envelope(DeliveryView), ...errorResponses },
      },
    },
    async (request) => envelope(deliveryView(await load(request.params.ws, request.params.id))),
  );

  app.post(
    '/workspaces/:ws/deliveries/:id/retry',
    {
      onRequest: write,
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
