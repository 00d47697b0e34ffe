import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { invalidInput, notFoundError } from '../../core/errors';
import { requireWorkspaceKey } from '../plugins/auth';
import { keepInPortalScope } from '../plugins/portal';
import type { ApiMetrics } from '../../metrics';
import type { AppDeps } from '../../services/deps';
import { ingestEvent } from '../../services/ingest';
import { rawMember } from '../plugins/rawJson';
import { Envelope, errorResponses, ResourceParams, WorkspaceParams } from '../schemas/common';
import { EventView, IngestBody, IngestView } from '../schemas/event';
import { envelope, eventView } from '../views';

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
      if (data === undefined) throw invalidInput('body.data is required', ['body.data']);
      const { id, type, family, app: appName } = request.body;
      const result = await ingestEvent(deps, request.params.ws, {
        type,
        data,
        ...(id !== undefined ? { id } : {}),
        ...(family !== undefined ? { family } : {}),
        ...(appName !== undefined ? { app: appName } : {}),
      });
      if (!result.duplicate) deps.metrics.eventsIngested.inc();
      if (result.started !== undefined) deps.metrics.eventStarts.inc({ start: result.started });
      if (result.startError !== undefined) {
        request.log.warn({ eventId: result.eventId, error: result.startError }, 'event stored; its workflow did not start, the reconciler will start it');
      }
      reply.code(202);
      return envelope({ eventId: result.eventId, deliveries: result.deliveries });
    },
  );

  app.get(
    '/workspaces/:ws/events/:id',
    {
      onRequest: requireWorkspaceKey(deps.store, deps.config.adminKey, 'deliveries:read'),
      config: { portal: 'filtered' },
      schema: {
        tags: ['events'],
        summary: 'An event: its payload as received, and each of its deliveries with its status and attempts',
        params: ResourceParams,
        response: { 200: Envelope(EventView), ...errorResponses },
      },
    },
    async (request) => {
      const { ws, id } = request.params;
      const event = await deps.store.events.get(ws, id);
      if (!event) throw notFoundError('event');
      // A portal link sees an event only through a delivery of its own webhooks, and only those.
      const deliveries = await keepInPortalScope(request, deps.store, await deps.store.deliveries.ofEvent(ws, id), (delivery) => delivery.webhookId);
      if (request.portal && deliveries.length === 0) throw notFoundError('event');
      return envelope(eventView(event, deliveries));
    },
  );
}
