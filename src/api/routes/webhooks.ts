import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { bufferUntilMs } from '../../policy/endpointHealth';
import { startHealth } from '../../temporal/endpointHealth';
import { requireWorkspaceKey } from '../plugins/auth';
import { appOfNewWebhook, refuseAppChangeByPortal, webhookListScope } from '../plugins/portal';
import type { AppDeps } from '../../services/deps';
import { DEFAULT_PAGE_SIZE, Envelope, errorResponses, PageOf, ResourceParams, WorkspaceParams } from '../schemas/common';
import { CreateWebhookBody, UpdateWebhookBody, WebhookListQuery, WebhookView } from '../schemas/webhook';
import { envelope, pageView, webhookDetail, webhookView } from '../views';
import { deleteWebhook, findWebhook, prepareWebhook, updateWebhook } from '../../services/webhooks';
import { findWorkspace } from '../../services/workspaces';

export async function webhookRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store, config, temporal } = deps;
  const read = requireWorkspaceKey(store, config.adminKey, 'webhooks:read');
  const write = requireWorkspaceKey(store, config.adminKey, 'webhooks:write');
  const tags = ['webhooks'];

  app.post(
    '/workspaces/:ws/webhooks',
    {
      onRequest: write,
      // A portal link scoped to an app creates webhooks of that app; one scoped to ids, none.
      config: { portal: 'filtered' },
      schema: {
        tags,
        summary: 'Create a webhook',
        params: WorkspaceParams,
        body: CreateWebhookBody,
        response: { 201: Envelope(WebhookView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const appName = appOfNewWebhook(request, request.body.app);
      const body = { ...request.body, ...(appName !== undefined ? { app: appName } : {}) };
      const workspace = await findWorkspace(store, request.params.ws);
      const { input, reveal } = await prepareWebhook(deps, workspace, body);
      if (!input.active) {
        // Created switched off: a pause from the start, with its buffer window.
        const now = new Date();
        const until = bufferUntilMs(now.getTime(), body.deactivation, workspace.settings.deactivation);
        Object.assign(input, { deactivatedAt: now, deactivationReason: 'created inactive', bufferUntil: new Date(until) });
      }
      const doc = await store.webhooks.create(workspace._id, input);
      // Its health workflow, visible in the Web UI from the start. Every change of state starts it
      // too if it is missing, so a failure here loses nothing.
      await startHealth(temporal, doc).catch((error: unknown) => request.log.warn({ err: error }, 'could not start the health workflow'));
      reply.code(201);
      return envelope(webhookView(doc, reveal));
    },
  );

  app.get(
    '/workspaces/:ws/webhooks',
    {
      onRequest: read,
      config: { portal: 'filtered' },
      schema: {
        tags,
        summary: 'List webhooks, filtered by app, event and active flag',
        params: WorkspaceParams,
        querystring: WebhookListQuery,
        response: { 200: PageOf(WebhookView), ...errorResponses },
      },
    },
    async (request) => {
      const { app: appName, event, active, cursor, limit = DEFAULT_PAGE_SIZE } = request.query;
      const narrowed = webhookListScope(request, appName);
      if (narrowed === null) return { data: [], error: null, nextCursor: null };
      const docs = await store.webhooks.list(request.params.ws, {
        limit: limit + 1,
        ...narrowed,
        ...(event !== undefined ? { event } : {}),
        ...(active !== undefined ? { active } : {}),
        ...(cursor !== undefined ? { after: cursor } : {}),
      });
      return pageView(
        docs,
        limit,
        (doc) => doc._id,
        (doc) => webhookView(doc),
      );
    },
  );

  app.get(
    '/workspaces/:ws/webhooks/:id',
    {
      onRequest: read,
      config: { portal: 'webhook' },
      schema: { tags, summary: 'Get a webhook', params: ResourceParams, response: { 200: Envelope(WebhookView), ...errorResponses } },
    },
    async (request) => envelope(await webhookDetail(store, await findWebhook(store, request.params.ws, request.params.id))),
  );

  app.patch(
    '/workspaces/:ws/webhooks/:id',
    {
      onRequest: write,
      config: { portal: 'webhook' },
      schema: {
        tags,
        summary: 'Update a webhook; null clears an optional field',
        params: ResourceParams,
        body: UpdateWebhookBody,
        response: { 200: Envelope(WebhookView), ...errorResponses },
      },
    },
    async (request) => {
      refuseAppChangeByPortal(request, request.body.app);
      const workspace = await findWorkspace(store, request.params.ws);
      const { doc, reveal } = await updateWebhook(deps, workspace, request.params.id, request.body);
      return envelope(await webhookDetail(store, doc, reveal));
    },
  );

  app.delete(
    '/workspaces/:ws/webhooks/:id',
    {
      onRequest: write,
      config: { portal: 'webhook' },
      schema: {
        tags,
        summary: 'Delete a webhook and cancel its pending deliveries',
        params: ResourceParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deleteWebhook(deps, request.params.ws, request.params.id);
      reply.code(204).send(null);
    },
  );
}
