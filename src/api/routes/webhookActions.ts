import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { activateWebhook, deactivateWebhook } from '../../health/deactivation';
import { requireWorkspaceKey } from '../auth';
import { replayBufferedDeliveries } from '../deliveryControl';
import type { AppDeps } from '../deps';
import { badRequest, envelope, notFound } from '../errors';
import { Envelope, errorResponses, ResourceParams } from '../schemas/common';
import { WebhookView } from '../schemas/webhook';
import { runWebhookTests } from '../webhookTests';
import { webhookView } from './webhooks';

const TestRunView = Type.Object({
  startedAt: Type.String(),
  testsRun: Type.Integer(),
  testsSucceeded: Type.Integer(),
  testsFailed: Type.Integer(),
  tests: Type.Array(
    Type.Object({ event: Type.String(), statusCode: Type.Union([Type.Integer(), Type.Null()]), durationMs: Type.Number(), error: Type.Union([Type.String(), Type.Null()]) }),
  ),
});

/** Test, activate and deactivate: the calls that change whether an endpoint receives deliveries. */
export async function webhookActionRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store, config } = deps;
  const write = requireWorkspaceKey(store, config.adminKey, 'webhooks:write');
  const tags = ['webhooks'];

  const load = async (ws: string, id: string) => {
    const webhook = await store.webhooks.get(ws, id);
    if (!webhook) throw notFound('webhook');
    return webhook;
  };

  app.post(
    '/workspaces/:ws/webhooks/:id/test',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Send test deliveries now; a failed test deactivates the webhook',
        params: ResourceParams,
        body: Type.Optional(Type.Object({ event: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false })),
        response: { 200: Envelope(TestRunView), ...errorResponses },
      },
    },
    async (request) => {
      const webhook = await load(request.params.ws, request.params.id);
      const event = request.body?.event;
      if (event !== undefined && !webhook.events.includes('*') && !webhook.events.includes(event)) {
        throw badRequest(`body.event ${event} is not an event this webhook subscribes to`, { fields: ['body.event'] });
      }
      return envelope(await runWebhookTests(deps, webhook, event));
    },
  );

  app.post(
    '/workspaces/:ws/webhooks/:id/activate',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Reactivate; replayEvents re-delivers the buffered events in order, false discards them',
        params: ResourceParams,
        body: Type.Object({ replayEvents: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: Envelope(WebhookView), ...errorResponses },
      },
    },
    async (request) => {
      const { ws, id } = request.params;
      await load(ws, id);
      const webhook = await activateWebhook(store, ws, id);
      if (!webhook) throw notFound('webhook');
      await replayBufferedDeliveries(deps, webhook, request.body.replayEvents);
      return envelope(webhookView(webhook));
    },
  );

  app.post(
    '/workspaces/:ws/webhooks/:id/deactivate',
    {
      onRequest: write,
      schema: { tags, summary: 'Deactivate manually', params: ResourceParams, response: { 200: Envelope(WebhookView), ...errorResponses } },
    },
    async (request) => {
      const { ws, id } = request.params;
      await load(ws, id);
      const webhook = await deactivateWebhook({ store, allowPrivateNetworks: config.allowPrivateNetworks }, ws, id, 'deactivated manually');
      if (!webhook) throw notFound('webhook');
      return envelope(webhookView(webhook));
    },
  );
}
