import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { checkTargetUrl, SecretError } from '../../outbound';
import { DEFAULT_BUFFER_SECONDS, effectiveRule } from '../../policy/endpointHealth';
import { DeactivationSchema } from '../../policy/schema';
import { stillSigns } from '../../policy/secrets';
import { SCOPES, type Scope } from '../../store/apiKeys';
import type { WorkspaceDoc, WorkspaceSettings } from '../../store/workspaces';
import { requireAdmin } from '../plugins/auth';
import { targetAccess, type AppDeps } from '../deps';
import { badRequest, envelope, notFound } from '../plugins/errors';
import { Envelope, errorResponses, Nullable, ResourceParams, WorkspaceParams } from '../schemas/common';
import { resolveSecret } from '../../services/webhookInput';

const NotificationUrl = Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://' });
// Like a webhook's secret: `true` generates one, shown once; without one Herald generates it when
// the notification URL is first set.
const NotificationSecret = Type.Union([Type.Literal(true), Type.String({ minLength: 8, maxLength: 300 })], {
  description: 'Signs the notifications sent to notificationUrl (Standard Webhooks). Write-only.',
});
const Settings = {
  notificationUrl: Type.Optional(NotificationUrl),
  notificationSecret: Type.Optional(NotificationSecret),
  requireHttps: Type.Optional(Type.Boolean()),
  deactivation: Type.Optional(DeactivationSchema),
};
export const WorkspaceView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  settings: Type.Object({
    notificationUrl: Type.Optional(Type.String()),
    hasNotificationSecret: Type.Boolean(),
    notificationSecret: Type.Optional(Type.String({ description: 'Only in the response that generated it.' })),
    previousNotificationSecretExpiresAt: Type.Optional(
      Type.String({ description: 'After a rotation: until then notifications are signed with the previous secret too.' }),
    ),
    requireHttps: Type.Boolean(),
    deactivation: Type.Object({ consecutiveFailures: Type.Integer(), minFailingSeconds: Type.Integer(), bufferSeconds: Type.Integer() }),
  }),
  createdAt: Type.String(),
});
const ScopeName = Type.Union(SCOPES.map((scope) => Type.Literal(scope)));
const ApiKeyView = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String(),
  revokedAt: Type.Optional(Type.String()),
  key: Type.Optional(Type.String({ description: 'The key itself: shown once, in the create response only.' })),
});

/** Settings as they apply: the deactivation rule with its defaults filled in; the secret never shown. */
export const workspaceView = (doc: WorkspaceDoc, revealSecret?: string) => {
  const { notificationUrl, notificationSecret, previousNotificationSecret: previous, requireHttps, deactivation } = doc.settings;
  return {
    id: doc._id,
    name: doc.name,
    settings: {
      ...(notificationUrl ? { notificationUrl } : {}),
      hasNotificationSecret: Boolean(notificationSecret),
      ...(notificationSecret && previous && stillSigns(previous.expiresAt, new Date())
        ? { previousNotificationSecretExpiresAt: previous.expiresAt.toISOString() }
        : {}),
      ...(revealSecret ? { notificationSecret: revealSecret } : {}),
      requireHttps,
      deactivation: { ...effectiveRule(deactivation), bufferSeconds: deactivation.bufferSeconds ?? DEFAULT_BUFFER_SECONDS },
    },
    createdAt: doc.createdAt.toISOString(),
  };
};

/** The stored notification secret for a settings change, and the generated one to show once. */
function notificationSecretOf(
  given: true | string | null | undefined,
  url: string | null | undefined,
  current: WorkspaceSettings | undefined,
): { stored?: string | null; reveal?: string } {
  if (given === null) return { stored: null };
  if (given !== undefined) {
    try {
      return resolveSecret(given);
    } catch (error) {
      if (error instanceof SecretError) throw badRequest(`body.notificationSecret is invalid: ${error.message}`, { fields: ['body.notificationSecret'] });
      throw error;
    }
  }
  if (url && !current?.notificationSecret) return resolveSecret(true);
  return {};
}

/** Admin routes: tenants and their API keys. */
export async function workspaceRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store } = deps;
  const admin = requireAdmin(deps.config.adminKey);

  /** The notification webhook obeys the same outgoing-safety rules as every webhook. */
  const checkNotificationUrl = async (url: string | null | undefined, requireHttps: boolean) => {
    if (!url) return;
    const verdict = await checkTargetUrl(url, { ...targetAccess(deps), requireHttps });
    if (!verdict.ok) throw badRequest(`body.notificationUrl ${verdict.reason}`, { fields: ['body.notificationUrl'] });
  };
  const tags = ['admin'];

  app.post(
    '/workspaces',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Create a workspace (admin key)',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), ...Settings }, { additionalProperties: false }),
        response: { 201: Envelope(WorkspaceView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { name, notificationSecret, ...settings } = request.body;
      await checkNotificationUrl(settings.notificationUrl, settings.requireHttps ?? false);
      const secret = notificationSecretOf(notificationSecret, settings.notificationUrl, undefined);
      const doc = await store.workspaces.create(name, { ...settings, ...(secret.stored ? { notificationSecret: secret.stored } : {}) });
      reply.code(201);
      return envelope(workspaceView(doc, secret.reveal));
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
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            ...Settings,
            notificationUrl: Type.Optional(Nullable(NotificationUrl)),
            notificationSecret: Type.Optional(Nullable(NotificationSecret)),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Envelope(WorkspaceView), ...errorResponses },
      },
    },
    async (request) => {
      const { name, notificationSecret, ...settings } = request.body;
      const current = await store.workspaces.get(request.params.ws);
      if (!current) throw notFound('workspace');
      await checkNotificationUrl(settings.notificationUrl, settings.requireHttps ?? current.settings.requireHttps);
      const secret = notificationSecretOf(notificationSecret, settings.notificationUrl, current.settings);
      const changes = { ...settings, ...(secret.stored !== undefined ? { notificationSecret: secret.stored } : {}) };
      const doc = await store.workspaces.update(request.params.ws, { ...(name !== undefined ? { name } : {}), settings: changes });
      if (!doc) throw notFound('workspace');
      return envelope(workspaceView(doc, secret.reveal));
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
        body: Type.Optional(
          Type.Object(
            { name: Type.Optional(Type.String({ maxLength: 200 })), scopes: Type.Optional(Type.Array(ScopeName, { minItems: 1, uniqueItems: true })) },
            { additionalProperties: false },
          ),
        ),
        response: { 201: Envelope(ApiKeyView), ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!(await store.workspaces.get(request.params.ws))) throw notFound('workspace');
      const scopes: Scope[] = request.body?.scopes ?? [...SCOPES];
      const { doc, key } = await store.apiKeys.create(request.params.ws, scopes, request.body?.name);
      reply.code(201);
      return envelope({ id: doc._id, ...(doc.name ? { name: doc.name } : {}), scopes: doc.scopes, createdAt: doc.createdAt.toISOString(), key });
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
      if (!(await store.workspaces.get(request.params.ws))) throw notFound('workspace');
      const keys = await store.apiKeys.list(request.params.ws);
      return envelope(
        keys.map((doc) => ({
          id: doc._id,
          ...(doc.name ? { name: doc.name } : {}),
          scopes: doc.scopes,
          createdAt: doc.createdAt.toISOString(),
          ...(doc.revokedAt ? { revokedAt: doc.revokedAt.toISOString() } : {}),
        })),
      );
    },
  );

  app.delete(
    '/workspaces/:ws/api-keys/:id',
    { onRequest: admin, schema: { tags, summary: 'Revoke an API key', params: ResourceParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      if (!(await store.apiKeys.revoke(request.params.ws, request.params.id))) throw notFound('API key');
      reply.code(204).send(null);
    },
  );
}
