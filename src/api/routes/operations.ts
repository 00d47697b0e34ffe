import type { FastifyInstance } from 'fastify';
import type { Db } from 'mongodb';
import type { ApiMetrics } from '../../metrics';
import type { AppDeps } from '../../services/deps';

/** /healthz: the process is up. /readyz: MongoDB and Temporal answer. /metrics: Prometheus text. */
export async function operationRoutes(app: FastifyInstance, deps: AppDeps & { db: Db; metrics: ApiMetrics }): Promise<void> {
  const hide = { hide: true };
  app.get('/healthz', { schema: { ...hide } }, async () => ({ data: { status: 'ok' }, error: null }));

  app.get('/readyz', { schema: { ...hide } }, async (_request, reply) => {
    const checks = await Promise.all([
      deps.db.command({ ping: 1 }).then(
        () => true,
        () => false,
      ),
      deps.temporal.client.connection.workflowService.getSystemInfo({}).then(
        () => true,
        () => false,
      ),
    ]);
    const [mongodb, temporal] = checks;
    const ready = mongodb && temporal;
    reply.code(ready ? 200 : 503);
    return ready
      ? { data: { mongodb, temporal }, error: null }
      : { data: null, error: { code: 'not_ready', message: 'a dependency is not reachable', details: { mongodb, temporal } } };
  });

  app.get('/metrics', { schema: { ...hide } }, async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
