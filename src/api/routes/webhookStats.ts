import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireWorkspaceKey } from '../plugins/auth';
import type { AppDeps } from '../../services/deps';
import { findWebhook } from '../../services/webhooks';
import { webhookStats } from '../../services/webhookStats';
import { Envelope, errorResponses, ResourceParams } from '../schemas/common';
import { StatsQuery, StatsView } from '../schemas/stats';
import { envelope } from '../views';

/** A webhook's delivery statistics over the last hour or day, for the console's charts. */
export async function webhookStatsRoutes(root: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const { store, config } = deps;

  app.get(
    '/workspaces/:ws/webhooks/:id/stats',
    {
      onRequest: requireWorkspaceKey(store, config.adminKey, 'deliveries:read'),
      config: { portal: 'webhook' },
      schema: {
        tags: ['webhooks'],
        summary: "The webhook's attempts over the last hour (5-minute buckets) or day (1-hour buckets): successes, failures, latency",
        description:
          'Counts attempts, not deliveries: a delivery retried three times counts three. Latencies (nearest-rank p50 and p95) are over every attempt, failed ones included. `truncated` says more deliveries had attempts in the window than one answer reads (the most recent are counted).',
        params: ResourceParams,
        querystring: StatsQuery,
        response: { 200: Envelope(StatsView), ...errorResponses },
      },
    },
    async (request) => {
      const { ws, id } = request.params;
      await findWebhook(store, ws, id);
      return envelope(await webhookStats(store, ws, id, request.query.window ?? 'hour'));
    },
  );
}
