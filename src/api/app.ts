// The API is assembled from plugins in a visible order: external plugins, then Herald's
// validation and error mapping, then one route plugin per resource.
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Db } from 'mongodb';
import { HERALD_VERSION } from '../outbound/version';
import type { Registry } from 'prom-client';
import { createApiMetrics } from '../metrics';
import { registerAvailability } from './plugins/availability';
import type { AppDeps } from '../services/deps';
import { clientErrorHandler, registerErrorHandling, sendError } from './plugins/errors';
import { registerJsonBody } from './plugins/jsonBody';
import { registerPortalDocumentation } from './plugins/portal';
import { registerRateLimits } from './plugins/rateLimits';
import { registerValidation } from './plugins/validation';
import { activationLinkRoutes } from './routes/activationLinks';
import { consoleRoutes } from './routes/console';
import { deliveryRoutes } from './routes/deliveries';
import { eventRoutes } from './routes/events';
import { eventTypeRoutes } from './routes/eventTypes';
import { notificationRoutes } from './routes/notifications';
import { portalLinkRoutes } from './routes/portalLinks';
import { sessionRoutes } from './routes/session';
import { operationRoutes } from './routes/operations';
import { recoveryRoutes } from './routes/recoveries';
import { webhookActionRoutes } from './routes/webhookActions';
import { webhookRoutes } from './routes/webhooks';
import { webhookStatsRoutes } from './routes/webhookStats';
import { secretRotationRoutes } from './routes/secretRotation';
import { workspaceRoutes } from './routes/workspaces';

export interface BuildAppOptions extends AppDeps {
  db: Db;
  logger?: boolean | object;
  /** Metrics of a worker running in this process, served at /metrics with the API's. */
  workerMetrics?: Registry;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const metrics = createApiMetrics(options.workerMetrics ? [options.workerMetrics] : []);
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel, redact: ['req.headers.authorization'] },
    bodyLimit: config.maxBodyBytes,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: 'x-request-id',
    // Delivery ids carry the event id (up to 200 characters) and the webhook id: the router's
    // default of 100 would answer 414 before the schema (maxLength 700) is consulted.
    routerOptions: { maxParamLength: 700 },
    // The client address the per-address rate limit counts (rateLimits.ts).
    // Hop 0 is the socket's peer: trusting n hops takes the address n proxies back in X-Forwarded-For.
    trustProxy: config.trustedProxyHops > 0 ? (_address: string, hop: number) => hop < config.trustedProxyHops : false,
    // A slow or stalled client cannot hold a socket: the whole request must arrive within
    // requestTimeout, an idle socket closes after connectionTimeout.
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node checks those deadlines every 30 s by default: a 30 s timeout could let a request take 60.
    http: { connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs), headersTimeout: Math.min(60_000, config.requestTimeoutMs) },
    // Errors raised before a route runs (bad URL encoding, malformed HTTP, a closing server)
    // answer in Herald's envelope with Herald's codes, like every other error.
    frameworkErrors: sendError,
    clientErrorHandler,
    return503OnClosing: false,
  });

  registerJsonBody(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Herald', version: HERALD_VERSION, description: 'Durable webhook delivery on Temporal' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  // Before any route: the address budget, load shedding, then (per route) authentication and the
  // caller's budget.
  await registerRateLimits(app, config);
  await registerAvailability(app, config, options.db);

  registerValidation(app);
  registerErrorHandling(app);
  registerPortalDocumentation(app);

  await app.register(
    async (v1) => {
      await workspaceRoutes(v1, options);
      await eventTypeRoutes(v1, options);
      await webhookRoutes(v1, options);
      await webhookActionRoutes(v1, options);
      await secretRotationRoutes(v1, options);
      await eventRoutes(v1, { ...options, metrics });
      await deliveryRoutes(v1, options);
      await recoveryRoutes(v1, options);
      await webhookStatsRoutes(v1, options);
      await notificationRoutes(v1, options);
      await portalLinkRoutes(v1, options);
      await sessionRoutes(v1, options);
    },
    { prefix: '/v1' },
  );
  await operationRoutes(app, { ...options, metrics });
  // Pages for people, outside /v1: the one-click activation link of a deactivated webhook.
  await activationLinkRoutes(app, options);
  // The browser console, bundled here: a bundling error fails the start.
  await consoleRoutes(app, options);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  return app;
}
