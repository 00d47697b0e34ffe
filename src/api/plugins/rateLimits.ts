// Two request budgets per minute, both in this process's memory.
// - Per client address, before authentication: a caller rotating bogus keys is stopped here, before
//   each key costs a MongoDB lookup, and cannot mint itself a fresh bucket with every new token.
// - Per authenticated caller (an API key's id, or the admin key), after authentication: the budget a
//   tenant has, whatever addresses its clients use. Keyed on the key's id, never on the header, so
//   only a key that exists has a bucket.
import { isIPv6 } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config';
import { HttpError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request authenticated as (`admin` or `key:<id>`); set by the auth hooks. */
    principal?: string;
    /** Spends one request of the principal's budget; throws 429 past it. */
    chargeCaller(reply: FastifyReply): Promise<void>;
  }
}

const WINDOW_MS = 60_000;
// Buckets kept per limiter; past this the least recently seen address or key starts afresh.
const ADDRESS_BUCKETS = 50_000;
const CALLER_BUCKETS = 50_000;

/**
 * The bucket of a client address. An IPv6 client usually holds a whole /64, so the /64 is one
 * bucket: otherwise every one of its addresses would have a fresh budget.
 */
export function addressBucket(ip: string): string {
  if (!isIPv6(ip) || /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)) return ip.replace(/^::ffff:/i, '');
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

async function enforce(limiter: Limiter, request: FastifyRequest, reply: FastifyReply, whose: string): Promise<void> {
  const verdict = await limiter(request);
  if (verdict.isAllowed || !verdict.isExceeded) return;
  reply.header('retry-after', String(verdict.ttlInSeconds));
  throw new HttpError(429, 'rate_limited', `too many requests from ${whose}: at most ${verdict.max} a minute; retry in ${verdict.ttlInSeconds} s`);
}

/** Only the REST API is limited; operations endpoints (health, metrics, docs) are not. */
const isApi = (request: FastifyRequest) => request.url.startsWith('/v1/');

export async function registerRateLimits(app: FastifyInstance, config: Config): Promise<void> {
  // `global: false`: no hooks of the plugin's own; both limiters run from the hooks below.
  await app.register(rateLimit, { global: false });
  const perAddress = app.createRateLimit({
    max: config.rateLimitPerAddressPerMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (request) => addressBucket(request.ip),
    cache: ADDRESS_BUCKETS,
  } as Parameters<FastifyInstance['createRateLimit']>[0]);
  const perCaller = app.createRateLimit({
    max: config.rateLimitPerMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (request) => request.principal ?? '',
    cache: CALLER_BUCKETS,
  } as Parameters<FastifyInstance['createRateLimit']>[0]);

  // The app's onRequest hooks run before each route's own, so before authentication.
  app.addHook('onRequest', async (request, reply) => {
    if (isApi(request)) await enforce(perAddress, request, reply, 'this address');
  });
  // Called by authentication as soon as it knows the caller, before it checks what the caller may
  // do: a key refused afterwards (another workspace's ids, a missing scope) spends its budget too.
  app.decorateRequest('chargeCaller', async function (this: FastifyRequest, reply: FastifyReply) {
    if (isApi(this) && this.principal) await enforce(perCaller, this, reply, 'this API key');
  });
}
