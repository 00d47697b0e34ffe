import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config';
import { consoleAssets } from '../pages/consoleBundle';
import { portalFrameAncestors } from '../pages/framing';

/** Everything the console loads comes from here; it talks only to this origin's REST API. */
export function consoleContentSecurityPolicy(frameAncestors: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/**
 * The console for people: one page, its script and its style sheet, outside /v1 and out of the
 * OpenAPI document. It holds no data: it signs in with an API key (or a portal link's token) and
 * calls the public REST API like any client.
 *
 * Framing: a portal link (`/console/#portal=<token>`) keeps its token in the fragment, which no
 * server sees, so the page cannot tell a portal from the console by its URL. A browser says
 * whether it loads the page into a frame (`Sec-Fetch-Dest`): only then does the answer allow the
 * portal's ancestors, and the page itself runs in a frame only with a portal token.
 */
export async function consoleRoutes(app: FastifyInstance, deps: { config: Config }): Promise<void> {
  const assets = await consoleAssets();
  const portalAncestors = portalFrameAncestors(deps.config);
  const hide = { schema: { hide: true } };

  const send = (reply: FastifyReply, type: string, body: string, frameAncestors = "'none'") =>
    reply
      .headers({
        'content-type': type,
        'content-security-policy': consoleContentSecurityPolicy(frameAncestors),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      })
      .send(body);

  const framed = (request: FastifyRequest) => ['iframe', 'frame'].includes(String(request.headers['sec-fetch-dest']));

  app.get('/console', hide, (_request, reply) => reply.redirect('/console/', 302));
  app.get('/console/', hide, (request, reply) => {
    reply.header('vary', 'Sec-Fetch-Dest');
    return send(reply, 'text/html; charset=utf-8', assets.html, framed(request) ? portalAncestors : "'none'");
  });
  app.get('/console/app.js', hide, (_request, reply) => send(reply, 'text/javascript; charset=utf-8', assets.script));
  app.get('/console/app.css', hide, (_request, reply) => send(reply, 'text/css; charset=utf-8', assets.style));
  app.get('/console/favicon.svg', hide, (_request, reply) => send(reply, 'image/svg+xml', FAVICON));
}

// A bell in Herald's blue, so a browser asks for no /favicon.ico.
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path fill="#1d4ed8" d="M8 1a4 4 0 0 0-4 4v3L2 11v1h12v-1l-2-3V5a4 4 0 0 0-4-4zm-2 12a2 2 0 0 0 4 0z"/></svg>';
