import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireWorkspaceKey } from '../plugins/auth';
import type { AppDeps } from '../../services/deps';
import { Envelope, errorResponses, WorkspaceParams } from '../schemas/common';
import { CreateEventTypeBody, EventTypeListQuery, EventTypeView } from '../schemas/eventType';
import { envelope, eventTypeView } from '../views';

/** The event catalog: what webhooks can subscribe to. */
export async function eventTypeRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store, config } = deps;
  const tags = ['event catalog'];

  app.get(
    '/workspaces/:ws/webhook-events',
    {
      onRequest: requireWorkspaceKey(store, config.adminKey, 'webhooks:read'),
      // The catalog a portal's customer chooses events from: the same for every caller.
      config: { portal: 'open' },
      schema: {
        tags,
        summary: 'List the event types webhooks can subscribe to',
        params: WorkspaceParams,
        querystring: EventTypeListQuery,
        response: { 200: Envelope(Type.Array(EventTypeView)), ...errorResponses },
      },
    },
    async (request) => {
      const docs = await store.eventTypes.list(request.params.ws);
      return envelope(docs.map(eventTypeView));
    },
  );

  app.post(
    '/workspaces/:ws/webhook-events',
    {
      onRequest: requireWorkspaceKey(store, config.adminKey, 'webhooks:write'),
      schema: {
        tags,
        summary: 'Add or replace an event type; family defaults to the part before the first dot',
        params: WorkspaceParams,
        body: CreateEventTypeBody,
        response: { 201: Envelope(EventTypeView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const doc = await store.eventTypes.upsert(request.params.ws, request.body);
      reply.code(201);
      return envelope(eventTypeView(doc));
    },
  );
}
