// When the API answers 503 before doing any work: MongoDB is unhealthy (load shedding), or the
// server is closing. Every REST route needs MongoDB, so while its ping fails a request would only
// queue on the driver's server selection and then fail; answering at once with Retry-After keeps
// the process light and tells clients when to come back. The operations endpoints stay open, so
// /healthz still reports the process alive and /readyz says which dependency is down.
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import type { Config } from '../../config';
import { unavailable } from './errors';

/** A ping slower than this counts as a failure: server selection alone would wait 10 s. */
const PING_TIMEOUT_MS = 1500;
/**
 * Failed pings in a row before shedding starts: one slow ping on a busy machine must not turn
 * every request away. One good ping ends it. Before the first good ping MongoDB is not trusted.
 */
const FAILURES_TO_SHED = 2;

const isApi = (request: FastifyRequest) => request.url.startsWith('/v1/');

async function mongoAnswers(db: Db): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  const ping = db.command({ ping: 1 }).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function registerAvailability(app: FastifyInstance, config: Config, db: Db): Promise<void> {
  let closing = false;
  // Requests on kept-alive connections that arrive while the server drains: Herald's 503.
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    throw unavailable('Herald is shutting down; try again shortly');
  });

  if (config.dependencyCheckIntervalMs === 0) return;
  let failures = FAILURES_TO_SHED - 1;
  await app.register(underPressure, {
    // The ping runs on a timer, never per request: the answer is cached between checks.
    healthCheck: async () => {
      failures = (await mongoAnswers(db)) ? 0 : failures + 1;
      return failures < FAILURES_TO_SHED;
    },
    healthCheckInterval: config.dependencyCheckIntervalMs,
    pressureHandler: (request) => {
      if (!isApi(request)) return undefined; // operations endpoints always answer
      return Promise.reject(unavailable('MongoDB is not reachable; try again shortly'));
    },
  });
}
