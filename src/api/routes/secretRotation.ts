import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { notFoundError } from '../../core/errors';
import { DEFAULT_ROTATION_GRACE_SECONDS } from '../../policy/secrets';
import { requireAdmin, requireWorkspaceKey } from '../plugins/auth';
import type { AppDeps } from '../../services/deps';
import { Envelope, errorResponses, ResourceParams, WorkspaceParams } from '../schemas/common';
import { RotateSecretBody } from '../schemas/secretRotation';
import { WebhookView } from '../schemas/webhook';
import { WorkspaceView } from '../schemas/workspace';
import { envelope, webhookDetail, workspaceView } from '../views';
import { resolveSecret } from '../../services/secrets';

const BOTH_SIGNATURES =
  'Until the previous secret expires, both signatures travel space-separated in `webhook-signature`; rotating again within the grace period drops the oldest secret. A generated secret is shown in this response only.';

/**
 * Signing-secret rotation without downtime, for a webhook and for the workspace's notifications:
 * the new secret signs at once, and the previous one keeps signing beside it (two `v1,`
 * signatures) for the grace period, so a receiver can switch secrets whenever it likes within it
 * and never reject a delivery.
 */
export async function secretRotationRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store, config } = deps;

  app.post(
    '/workspaces/:ws/webhooks/:id/rotate-secret',
    {
      onRequest: requireWorkspaceKey(store, config.adminKey, 'webhooks:write'),
      config: { portal: 'webhook' },
      schema: {
        tags: ['webhooks'],
        summary: 'Rotate the signing secret; the previous one keeps signing for a grace period (default 24 h)',
        description: `The webhook shows \`previousSecretExpiresAt\`. ${BOTH_SIGNATURES}`,
        params: ResourceParams,
        body: Type.Optional(RotateSecretBody),
        response: { 200: Envelope(WebhookView), ...errorResponses },
      },
    },
    async (request) => {
      const { ws, id } = request.params;
      const next = resolveSecret(request.body?.secret ?? true, 'body.secret');
      const doc = await store.webhooks.rotateSecret(ws, id, next.stored, request.body?.graceSeconds ?? DEFAULT_ROTATION_GRACE_SECONDS);
      if (!doc) throw notFoundError('webhook');
      return envelope(await webhookDetail(store, doc, next.reveal));
    },
  );

  app.post(
    '/workspaces/:ws/rotate-notification-secret',
    {
      onRequest: requireAdmin(config.adminKey, store),
      schema: {
        tags: ['admin'],
        summary: 'Rotate the notification secret (admin key); the previous one keeps signing for a grace period',
        description: `The workspace shows \`previousNotificationSecretExpiresAt\`. ${BOTH_SIGNATURES}`,
        params: WorkspaceParams,
        body: Type.Optional(RotateSecretBody),
        response: { 200: Envelope(WorkspaceView), ...errorResponses },
      },
    },
    async (request) => {
      const next = resolveSecret(request.body?.secret ?? true, 'body.secret');
      const doc = await store.workspaces.rotateNotificationSecret(request.params.ws, next.stored, request.body?.graceSeconds ?? DEFAULT_ROTATION_GRACE_SECONDS);
      if (!doc) throw notFoundError('workspace');
      return envelope(workspaceView(doc, next.reveal));
    },
  );
}
