import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { generateSigningKeyPair } from '../../outbound/asymmetricSigning';
import { bufferUntilMs } from '../../policy/endpointHealth';
import { DEFAULT_PRESET } from '../../policy/presets';
import { stillSigns } from '../../policy/secrets';
import type { Store } from '../../store';
import { type WebhookDoc, type NewWebhook, type WebhookChanges } from '../../store/webhooks';
import { policyOf } from '../../policy/resolve';
import { endHealth, requestActivation, requestDeactivation, startHealth } from '../../temporal/endpointHealth';
import { requireWorkspaceKey } from '../plugins/auth';
import { targetAccess, type AppDeps } from '../deps';
import { envelope, notFound } from '../plugins/errors';
import { Envelope, errorResponses, pageOf, ResourceParams, WorkspaceParams } from '../schemas/common';
import { CreateWebhookBody, UpdateWebhookBody, WebhookListQuery, WebhookView } from '../schemas/webhook';
import { checkWebhookInput, resolveSecret } from '../../services/webhookInput';
import { cancelPendingDeliveries } from '../../services/deliveryControl';

export function webhookView(doc: WebhookDoc, revealSecret?: string) {
  const policy = policyOf(doc);
  return {
    id: doc._id,
    name: doc.name,
    url: doc.url,
    events: doc.events,
    ...(doc.app !== undefined ? { app: doc.app } : {}),
    method: doc.method,
    contentType: doc.contentType,
    active: doc.active,
    hasSecret: Boolean(doc.secret),
    ...(revealSecret ? { secret: revealSecret } : {}),
    ...(doc.secret && doc.previousSecret && stillSigns(doc.previousSecret.expiresAt, new Date())
      ? { previousSecretExpiresAt: doc.previousSecret.expiresAt.toISOString() }
      : {}),
    ...(doc.auth ? { auth: { username: doc.auth.username } } : {}),
    // Header values are write-only, like the secret and the password.
    ...(doc.headers?.length ? { headerNames: doc.headers.map((h) => h.name) } : {}),
    ...(doc.signingKey ? { publicKey: doc.signingKey.publicKey } : {}),
    ...(doc.payloadTemplate ? { payloadTemplate: doc.payloadTemplate } : {}),
    retryPolicy: doc.retryPolicy as unknown as Record<string, unknown>,
    // Only an override is shown; the preset's own rule (fixed: any 2xx) is documented, not listed.
    ...(doc.successCodes ? { successCodes: doc.successCodes } : {}),
    timeoutMs: policy.timeoutMs,
    ...(doc.deactivation ? { deactivation: doc.deactivation } : {}),
    ...(doc.deactivatedAt ? { deactivatedAt: doc.deactivatedAt.toISOString() } : {}),
    ...(doc.deactivationReason ? { deactivationReason: doc.deactivationReason } : {}),
    ...(doc.bufferUntil && !doc.active ? { bufferUntil: doc.bufferUntil.toISOString() } : {}),
    ...(doc.replay ? { replay: { total: doc.replay.total, done: doc.replay.done, startedAt: doc.replay.startedAt.toISOString() } } : {}),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/** One webhook as GET /webhooks/{id} shows it: with the number of deliveries in its buffer. */
export async function webhookDetail(store: Store, doc: WebhookDoc, revealSecret?: string) {
  return { ...webhookView(doc, revealSecret), bufferedDeliveries: await store.deliveries.countBuffered(doc.workspaceId, doc._id) };
}

const headerPairs = (headers: Record<string, string>) => Object.entries(headers).map(([name, value]) => ({ name, value }));

export async function webhookRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store, config, temporal } = deps;
  const read = requireWorkspaceKey(store, config.adminKey, 'webhooks:read');
  const write = requireWorkspaceKey(store, config.adminKey, 'webhooks:write');
  const tags = ['webhooks'];

  const workspaceOf = async (id: string) => {
    const workspace = await store.workspaces.get(id);
    if (!workspace) throw notFound('workspace');
    return workspace;
  };

  app.post(
    '/workspaces/:ws/webhooks',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Create a webhook',
        params: WorkspaceParams,
        body: CreateWebhookBody,
        response: { 201: Envelope(WebhookView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const workspace = await workspaceOf(request.params.ws);
      await checkWebhookInput(store, workspace, body, targetAccess(deps));
      const secret = body.secret !== undefined ? resolveSecret(body.secret) : undefined;
      const input: NewWebhook = {
        name: body.name,
        url: body.url,
        events: body.events,
        method: body.method ?? 'POST',
        contentType: body.contentType ?? 'json',
        active: body.active ?? true,
        retryPolicy: body.retryPolicy ?? { preset: DEFAULT_PRESET },
      };
      if (body.app !== undefined) input.app = body.app;
      if (secret) input.secret = secret.stored;
      if (body.auth) input.auth = body.auth;
      if (body.headers) input.headers = headerPairs(body.headers);
      if (body.payloadTemplate !== undefined) input.payloadTemplate = body.payloadTemplate;
      if (body.successCodes) input.successCodes = body.successCodes;
      if (body.timeoutMs !== undefined) input.timeoutMs = body.timeoutMs;
      if (body.deactivation) input.deactivation = body.deactivation;
      if (body.asymmetric) input.signingKey = generateSigningKeyPair();
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
      return envelope(webhookView(doc, secret?.reveal));
    },
  );

  app.get(
    '/workspaces/:ws/webhooks',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'List webhooks, filtered by app, event and active flag',
        params: WorkspaceParams,
        querystring: WebhookListQuery,
        response: {
          200: Type.Object({ data: Type.Array(WebhookView), error: Type.Null(), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { app: appName, event, active, cursor } = request.query;
      const limit = request.query.limit ?? 50;
      const docs = await store.webhooks.list(request.params.ws, {
        limit: limit + 1,
        ...(appName !== undefined ? { app: appName } : {}),
        ...(event !== undefined ? { event } : {}),
        ...(active !== undefined ? { active } : {}),
        ...(cursor !== undefined ? { after: cursor } : {}),
      });
      const page = pageOf(docs, limit, (doc) => doc._id);
      return { data: page.items.map((doc) => webhookView(doc)), error: null, nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/workspaces/:ws/webhooks/:id',
    { onRequest: read, schema: { tags, summary: 'Get a webhook', params: ResourceParams, response: { 200: Envelope(WebhookView), ...errorResponses } } },
    async (request) => {
      const doc = await store.webhooks.get(request.params.ws, request.params.id);
      if (!doc) throw notFound('webhook');
      return envelope(await webhookDetail(store, doc));
    },
  );

  app.patch(
    '/workspaces/:ws/webhooks/:id',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Update a webhook; null clears an optional field',
        params: ResourceParams,
        body: UpdateWebhookBody,
        response: { 200: Envelope(WebhookView), ...errorResponses },
      },
    },
    async (request) => {
      const { ws, id } = request.params;
      const body = request.body;
      const workspace = await workspaceOf(ws);
      const current = await store.webhooks.get(ws, id);
      if (!current) throw notFound('webhook');
      await checkWebhookInput(store, workspace, body, targetAccess(deps));

      const changes: WebhookChanges = {};
      const unset: string[] = [];
      let reveal: string | undefined;
      const { active, asymmetric, ...fields } = body;
      // An existing key pair is kept: its public key may already be with the receiver.
      if (asymmetric === true && !current.signingKey) changes.signingKey = generateSigningKeyPair();
      if (asymmetric === false) unset.push('signingKey');
      for (const [key, value] of Object.entries(fields)) {
        if (value === null) {
          unset.push(key);
        } else if (key === 'secret') {
          const secret = resolveSecret(value as true | string);
          changes.secret = secret.stored;
          reveal = secret.reveal;
        } else if (key === 'headers') {
          changes.headers = headerPairs(value as Record<string, string>);
        } else {
          (changes as Record<string, unknown>)[key] = value;
        }
      }
      let doc = await store.webhooks.update(ws, id, changes, unset);
      if (!doc) throw notFound('webhook');
      // `active` is the health workflow's to change: switching on here is /activate with a replay
      // of the buffer (nothing kept is lost), switching off is /deactivate.
      if (active === true) await requestActivation(temporal, doc, { replayEvents: true });
      if (active === false) await requestDeactivation(temporal, doc, 'deactivated by update');
      if (active !== undefined) doc = (await store.webhooks.get(ws, id)) ?? doc;
      return envelope(await webhookDetail(store, doc, reveal));
    },
  );

  app.delete(
    '/workspaces/:ws/webhooks/:id',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Delete a webhook and cancel its pending deliveries',
        params: ResourceParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { ws, id } = request.params;
      if (!(await store.webhooks.delete(ws, id))) throw notFound('webhook');
      await endHealth(temporal, ws, id);
      await cancelPendingDeliveries(deps, ws, id);
      reply.code(204).send(null);
    },
  );
}
