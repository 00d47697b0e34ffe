import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireWorkspaceKey } from '../plugins/auth';
import type { ApiMetrics } from '../../metrics';
import type { AppDeps } from '../deps';
import { badRequest, envelope } from '../plugins/errors';
import { ingestEvent } from '../../services/ingest';
import { rawMember } from '../plugins/rawJson';
import { Envelope, errorResponses, Id, WorkspaceParams } from '../schemas/common';

const IngestBody = Type.Object(
  {
    id: Type.Optional(Id),
    type: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$' }),
    family: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    app: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    data: Type.Unknown({ description: 'Any JSON value; delivered byte for byte as received' }),
  },
  { additionalProperties: false, required: ['type', 'data'] },
);
const IngestView = Type.Object({
  eventId: Type.String(),
  deliveries: Type.Array(Type.Object({ id: Type.String(), webhookId: Type.String(), status: Type.String() })),
});

export async function eventRoutes(root: FastifyInstance, deps: AppDeps & { metrics: ApiMetrics }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/workspaces/:ws/events',
    {
      onRequest: requireWorkspaceKey(deps.store, deps.config.adminKey, 'events:write'),
      schema: {
        tags: ['events'],
        summary: 'Ingest an event: one delivery per matching active webhook. Posting the same id again delivers nothing twice.',
        params: WorkspaceParams,
        body: IngestBody,
        response: { 202: Envelope(IngestView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const data = request.rawBody === undefined ? undefined : rawMember(request.rawBody, 'data');
      if (data === undefined) throw badRequest('body.data is required', { fields: ['body.data'] });
      const { id, type, family, app: appName } = request.body;
      const result = await ingestEvent(deps, request.params.ws, {
        type,
        data,
        ...(id !== undefined ? { id } : {}),
        ...(family !== undefined ? { family } : {}),
        ...(appName !== undefined ? { app: appName } : {}),
      });
      if (!result.duplicate) deps.metrics.eventsIngested.inc();
      if (result.startError !== undefined) {
        request.log.warn({ eventId: result.eventId, error: result.startError }, 'event stored; its workflow did not start, the reconciler will start it');
      }
      reply.code(202);
      return envelope({ eventId: result.eventId, deliveries: result.deliveries });
    },
  );
}
