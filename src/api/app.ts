// The API is assembled from plugins in a visible order: external plugins, then Herald's
// validation and error mapping, then one route plugin per resource.
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import type { Db } from 'mongodb';
import { HERALD_VERSION } from '../delivery/version';
import { hashKey } from '../store/apiKeys';
import { createApiMetrics } from '../metrics';
import type { AppDeps } from './deps';
import { registerErrorHandling } from './errors';
import { registerValidation } from './validation';
import { deliveryRoutes } from './routes/deliveries';
import { eventRoutes } from './routes/events';
import { eventTypeRoutes } from './routes/eventTypes';
import { notificationRoutes } from './routes/notifications';
import { operationRoutes } from './routes/operations';
import { webhookActionRoutes } from './routes/webhookActions';
import { webhookRoutes } from './routes/webhooks';
import { workspaceRoutes } from './routes/workspaces';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

export interface BuildAppOptions extends AppDeps {
  db: Db;
  logger?: boolean | object;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const metrics = createApiMetrics();
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel, redact: ['req.headers.authorization'] },
    bodyLimit: config.maxBodyBytes,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: 'x-request-id',
    // Delivery ids carry the event id (up to 200 characters) and the webhook id: the router's
    // default of 100 would answer 414 before the schema (maxLength 700) is consulted.
    routerOptions: { maxParamLength: 700 },
  });

  // Keep the exact body text: event payloads are delivered byte for byte as received.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const error = Object.assign(new Error('body is not valid JSON'), { statusCode: 400, code: 'invalid_json' });
      done(error, undefined);
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Herald', version: HERALD_VERSION, description: 'Durable webhook delivery on Temporal' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    // Per API key, without keeping keys themselves in the limiter's memory.
    keyGenerator: (request) => (request.headers.authorization ? hashKey(request.headers.authorization) : request.ip),
    allowList: (request) => !request.url.startsWith('/v1/'),
  });

  registerValidation(app);
  registerErrorHandling(app);

  await app.register(
    async (v1) => {
      await workspaceRoutes(v1, options);
      await eventTypeRoutes(v1, options);
      await webhookRoutes(v1, options);
      await webhookActionRoutes(v1, options);
      await eventRoutes(v1, { ...options, metrics });
      await deliveryRoutes(v1, options);
      await notificationRoutes(v1, options);
    },
    { prefix: '/v1' },
  );
  await operationRoutes(app, { ...options, metrics });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  return app;
}
