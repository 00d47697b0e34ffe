import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { invalidInput } from '../../core/errors';
import { subscribesTo } from '../../core/eventTypes';
import { requestActivation, requestDeactivation } from '../../temporal/endpointHealth';
import { requireWorkspaceKey } from '../plugins/auth';
import type { AppDeps } from '../../services/deps';
import { Envelope, errorResponses, ResourceParams } from '../schemas/common';
import { ActivateBody } from '../schemas/endpointHealth';
import { TestRunView, TestWebhookBody, WebhookView } from '../schemas/webhook';
import { envelope, webhookDetail } from '../views';
import { findWebhook } from '../../services/webhooks';
import { runWebhookTests } from '../../services/webhookTests';

/**
 * Test, activate and deactivate: the calls that change whether an endpoint receives deliveries.
 * Each change goes through the webhook's endpoint-health workflow, and answers once it is made.
 */
export async function webhookActionRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store, config, temporal } = deps;
  const write = requireWorkspaceKey(store, config.adminKey, 'webhooks:write');
  const tags = ['webhooks'];

  const load = (ws: string, id: string) => findWebhook(store, ws, id);

  app.post(
    '/workspaces/:ws/webhooks/:id/test',
    {
      onRequest: write,
      config: { portal: 'webhook' },
      schema: {
        tags,
        summary: 'Send test deliveries now; a failed test deactivates the webhook',
        params: ResourceParams,
        body: Type.Optional(TestWebhookBody),
        response: { 200: Envelope(TestRunView), ...errorResponses },
      },
    },
    async (request) => {
      const webhook = await load(request.params.ws, request.params.id);
      const event = request.body?.event;
      if (event !== undefined && !subscribesTo(webhook, event)) {
        throw invalidInput(`body.event ${event} is not an event this webhook subscribes to`, ['body.event']);
      }
      return envelope(await runWebhookTests(deps, webhook, event));
    },
  );

  app.post(
    '/workspaces/:ws/webhooks/:id/activate',
    {
      onRequest: write,
      config: { portal: 'webhook' },
      schema: {
        tags,
        summary: 'Reactivate; replayEvents re-delivers the buffered events in order, false discards them',
        description:
          "Answers at once; the replay runs in the webhook's endpoint-health workflow, and GET /webhooks/{id} shows its progress (`replay`). Events that arrive during the replay are delivered after it.",
        params: ResourceParams,
        body: ActivateBody,
        response: { 200: Envelope(WebhookView), ...errorResponses },
      },
    },
    async (request) => {
      const { ws, id } = request.params;
      const { replayEvents, replayConcurrency } = request.body;
      await requestActivation(temporal, await load(ws, id), { replayEvents, ...(replayConcurrency !== undefined ? { replayConcurrency } : {}) });
      return envelope(await webhookDetail(store, await load(ws, id)));
    },
  );

  app.post(
    '/workspaces/:ws/webhooks/:id/deactivate',
    {
      onRequest: write,
      config: { portal: 'webhook' },
      schema: {
        tags,
        summary: 'Deactivate manually: a pause; new events are buffered until activation',
        params: ResourceParams,
        response: { 200: Envelope(WebhookView), ...errorResponses },
      },
    },
    async (request) => {
      const { ws, id } = request.params;
      await requestDeactivation(temporal, await load(ws, id), 'deactivated manually');
      return envelope(await webhookDetail(store, await load(ws, id)));
    },
  );
}
