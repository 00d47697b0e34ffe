import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireKeyring } from '../../config';
import { ActivationTokens } from '../../security/activationTokens';
import { ACTIVATION_LINK_PATH, activationOutcome, openActivationLink, useActivationLink } from '../../services/activationLinks';
import type { AppDeps } from '../../services/deps';
import type { ActivationChoice } from '../../store/activationLinks';
import { activationPage, problemPage, refusalPage, resultPage } from '../pages/activation';
import { sendPage, STYLESHEET, STYLESHEET_PATH } from '../pages/document';
import { isDependencyDown } from '../plugins/dependencyErrors';

/** The form has one field; anything much longer is not this form. */
const FORM_BODY_LIMIT = 1024;
const CHOICES: readonly ActivationChoice[] = ['replay', 'discard'];

interface TokenParams {
  token: string;
}

/**
 * Whether the browser says the form was sent from another site. The token in the URL is the
 * capability, so a forged form would need it already; this refuses one all the same. Our own page
 * sends no referrer, so browsers send its form with `Origin: null`: only another named origin,
 * or a `Sec-Fetch-Site` other than same-origin, counts against a form. A client that sends
 * neither header is let through.
 */
function fromAnotherSite(request: FastifyRequest, publicUrl: string | undefined): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return false;
  const ours = [`${request.protocol}://${request.host}`, ...(publicUrl ? [new URL(publicUrl).origin] : [])];
  return !ours.includes(origin);
}

/**
 * The pages of the one-click activation link a `webhook.deactivated` notification carries
 * (src/services/activationLinks.ts): GET shows the webhook and changes nothing, POST switches it
 * on through its health workflow and redirects (303) to a result page that shows the replay's
 * progress. Outside /v1 and the OpenAPI document: they answer HTML to people, not JSON.
 */
export async function activationLinkRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const { config, store } = deps;
  if (!config.publicUrl) {
    app.log.warn('HERALD_PUBLIC_URL is not set: activation links are off; webhook.deactivated notifications carry activationPath only');
  }
  const tokens = new ActivationTokens(requireKeyring(config));
  const hide = { hide: true };

  app.get(STYLESHEET_PATH, { schema: hide }, async (_request, reply) =>
    reply.headers({ 'content-type': 'text/css; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'public, max-age=3600' }).send(STYLESHEET),
  );

  await app.register(
    async (links) => {
      links.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });
      // Errors answer as pages too: a dependency that is down is a 503 to try again, anything else a 500.
      links.setErrorHandler((error: FastifyError, request, reply) => {
        const down = isDependencyDown(error);
        const status = down ? 503 : error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
        if (status >= 500) request.log[down ? 'warn' : 'error']({ err: error }, 'activation link failed');
        if (down) void reply.header('retry-after', '5');
        const [title, text] =
          status === 503
            ? ['Herald cannot do this just now', 'Nothing was changed. Try again in a moment.']
            : status >= 500
              ? ['Something went wrong', 'Herald could not finish this. Try again, or switch the webhook on through the API.']
              : ['This request was not understood', 'Use the buttons on the page the link opens.'];
        return sendPage(reply, status, problemPage(title, text));
      });

      links.get<{ Params: TokenParams }>('/:token', { schema: hide }, async (request, reply) => {
        const opened = await openActivationLink(store, tokens, request.params.token);
        if (!opened.ok) return refuse(reply, opened.refusal);
        return sendPage(reply, 200, activationPage(opened.link, request.params.token));
      });

      links.post<{ Params: TokenParams; Body: Record<string, string> | undefined }>('/:token', { schema: hide }, async (request, reply) => {
        if (fromAnotherSite(request, config.publicUrl)) {
          return sendPage(
            reply,
            403,
            problemPage('This form was sent from another site', 'Open the link from the notification and use the buttons on its page.'),
          );
        }
        const choice = request.body?.choice as ActivationChoice | undefined;
        if (choice === undefined || !CHOICES.includes(choice)) {
          return sendPage(reply, 400, problemPage('Choose one of the two buttons', 'The form must send choice=replay or choice=discard.'));
        }
        const used = await useActivationLink(deps, tokens, request.params.token, choice);
        if (!used.ok) return refuse(reply, used.refusal);
        // Relative, so it holds behind a proxy's path prefix: /reactivate/{token}/result.
        return reply.redirect(`${request.params.token}/result`, 303);
      });

      links.get<{ Params: TokenParams }>('/:token/result', { schema: hide }, async (request, reply) => {
        const outcome = await activationOutcome(store, tokens, request.params.token);
        if (!outcome.ok) {
          // Not used yet: its page is where the choice is made.
          if (outcome.refusal === 'unused') return reply.redirect(`../${request.params.token}`, 303);
          return refuse(reply, outcome.refusal, 'result');
        }
        return sendPage(reply, 200, resultPage(outcome.outcome));
      });
    },
    { prefix: ACTIVATION_LINK_PATH },
  );
}

function refuse(reply: FastifyReply, refusal: Parameters<typeof refusalPage>[0], depth: 'link' | 'result' = 'link'): FastifyReply {
  const { status, page } = refusalPage(refusal, depth);
  return sendPage(reply, status, page);
}
