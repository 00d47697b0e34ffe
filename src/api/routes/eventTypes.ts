import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireWorkspaceKey } from '../plugins/auth';
import type { AppDeps } from '../deps';
import { envelope } from '../plugins/errors';
import { Envelope, errorResponses, WorkspaceParams } from '../schemas/common';

const EventTypeView = Type.Object({ name: Type.String(), description: Type.String(), family: Type.String() });

/** The event catalog: what webhooks can subscribe to. */
export async function eventTypeRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store, config } = deps;
  const tags = ['event catalog'];

  app.get(
    '/workspaces/:ws/webhook-events',
    {
      onRequest: requireWorkspaceKey(store, config.adminKey, 'webhooks:read'),
      schema: {
        tags,
        summary: 'List the event types webhooks can subscribe to',
        params: WorkspaceParams,
        // No filters yet; an unknown query field is refused rather than silently ignored.
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: Envelope(Type.Array(EventTypeView)), ...errorResponses },
      },
    },
    async (request) => {
      const docs = await store.eventTypes.list(request.params.ws);
      return envelope(docs.map(({ name, description, family }) => ({ name, description, family })));
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
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$' }),
            description: Type.Optional(Type.String({ maxLength: 2000 })),
            family: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Envelope(EventTypeView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { name, description, family } = await store.eventTypes.upsert(request.params.ws, request.body);
      reply.code(201);
      return envelope({ name, description, family });
    },
  );
}
