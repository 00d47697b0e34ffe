import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { notFoundError } from '../../core/errors';
import { SCOPES, type Scope } from '../../store/apiKeys';
import { requireAdmin } from '../plugins/auth';
import type { AppDeps } from '../../services/deps';
import { ApiKeyView, CreateApiKeyBody } from '../schemas/apiKey';
import { DEFAULT_PAGE_SIZE, Envelope, errorResponses, PageOf, ResourceParams, WorkspaceParams } from '../schemas/common';
import { CreateWorkspaceBody, UpdateWorkspaceBody, WorkspaceListQuery, WorkspaceView } from '../schemas/workspace';
import { apiKeyView, envelope, pageView, workspaceView } from '../views';
import { createWorkspace, findWorkspace, updateWorkspace } from '../../services/workspaces';

/** Admin routes: tenants and their API keys. */
export async function workspaceRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store } = deps;
  const admin = requireAdmin(deps.config.adminKey, store);
  const tags = ['admin'];

  app.post(
    '/workspaces',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Create a workspace (admin key)',
        body: CreateWorkspaceBody,
        response: { 201: Envelope(WorkspaceView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { doc, reveal } = await createWorkspace(deps, request.body);
      reply.code(201);
      return envelope(workspaceView(doc, reveal));
    },
  );

  app.get(
    '/workspaces',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'List workspaces (admin key), oldest first',
        querystring: WorkspaceListQuery,
        response: { 200: PageOf(WorkspaceView), ...errorResponses },
      },
    },
    async (request) => {
      const { cursor, limit = DEFAULT_PAGE_SIZE } = request.query;
      const docs = await store.workspaces.list(limit + 1, cursor);
      return pageView(
        docs,
        limit,
        (doc) => doc._id,
        (doc) => workspaceView(doc),
      );
    },
  );

  app.patch(
    '/workspaces/:ws',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Change workspace settings (admin key)',
        params: WorkspaceParams,
        body: UpdateWorkspaceBody,
        response: { 200: Envelope(WorkspaceView), ...errorResponses },
      },
    },
    async (request) => {
      const { doc, reveal } = await updateWorkspace(deps, request.params.ws, request.body);
      return envelope(workspaceView(doc, reveal));
    },
  );

  app.post(
    '/workspaces/:ws/api-keys',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Create a workspace API key (admin key); the key is shown once',
        params: WorkspaceParams,
        body: Type.Optional(CreateApiKeyBody),
        response: { 201: Envelope(ApiKeyView), ...errorResponses },
      },
    },
    async (request, reply) => {
      await findWorkspace(store, request.params.ws);
      const scopes: Scope[] = request.body?.scopes ?? [...SCOPES];
      const { doc, key } = await store.apiKeys.create(request.params.ws, scopes, request.body?.name);
      reply.code(201);
      return envelope(apiKeyView(doc, key));
    },
  );

  app.get(
    '/workspaces/:ws/api-keys',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'List API keys (never the keys themselves)',
        params: WorkspaceParams,
        response: { 200: Envelope(Type.Array(ApiKeyView)), ...errorResponses },
      },
    },
    async (request) => {
      await findWorkspace(store, request.params.ws);
      const keys = await store.apiKeys.list(request.params.ws);
      return envelope(keys.map((doc) => apiKeyView(doc)));
    },
  );

  app.delete(
    '/workspaces/:ws/api-keys/:id',
    { onRequest: admin, schema: { tags, summary: 'Revoke an API key', params: ResourceParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      if (!(await store.apiKeys.revoke(request.params.ws, request.params.id))) throw notFoundError('API key');
      reply.code(204).send(null);
    },
  );
}
