// How a request authenticated by a portal link is narrowed, in the helpers every route uses:
// the webhooks a list shows, the app a created webhook gets, and the app a change may not touch.
// Requests of keys and the admin key (no `portal`) pass unchanged.
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../../src/api/plugins/errors';
import { appOfNewWebhook, refuseAppChangeByPortal, webhookListScope } from '../../src/api/plugins/portal';

const base = { linkId: 'pl_1', workspaceId: 'ws_1', expiresAt: new Date('2026-12-03T13:00:00Z') };
const byIds = { portal: { ...base, webhookIds: ['wh_a', 'wh_b'] } } as FastifyRequest;
const byApp = { portal: { ...base, app: 'acme' } } as FastifyRequest;
const byKey = {} as FastifyRequest;

/** The HTTP status a call throws with, or 'passes'. */
function outcome(call: () => unknown): number | 'passes' {
  try {
    call();
    return 'passes';
  } catch (error) {
    if (error instanceof HttpError) return error.statusCode;
    throw error;
  }
}

describe('webhookListScope', () => {
  it('leaves a key its own query', () => {
    expect(webhookListScope(byKey, undefined)).toEqual({});
    expect(webhookListScope(byKey, 'acme')).toEqual({ app: 'acme' });
  });

  it("narrows a link scoped to ids to those ids, the query's app too", () => {
    expect(webhookListScope(byIds, undefined)).toEqual({ ids: ['wh_a', 'wh_b'] });
    expect(webhookListScope(byIds, 'acme')).toEqual({ ids: ['wh_a', 'wh_b'], app: 'acme' });
  });

  it("narrows a link scoped to an app to its app, and lists nothing for another app's query", () => {
    expect(webhookListScope(byApp, undefined)).toEqual({ app: 'acme' });
    expect(webhookListScope(byApp, 'acme')).toEqual({ app: 'acme' });
    expect(webhookListScope(byApp, 'globex')).toBeNull();
  });
});

describe('appOfNewWebhook', () => {
  it("gives a link's webhooks its app, named or not, and refuses another app or a link scoped to ids (403)", () => {
    expect(appOfNewWebhook(byApp, undefined)).toBe('acme');
    expect(appOfNewWebhook(byApp, 'acme')).toBe('acme');
    expect(outcome(() => appOfNewWebhook(byApp, 'globex'))).toBe(403);
    expect(outcome(() => appOfNewWebhook(byIds, undefined))).toBe(403);
  });

  it('leaves a key free to name any app or none', () => {
    expect(appOfNewWebhook(byKey, 'globex')).toBe('globex');
    expect(appOfNewWebhook(byKey, undefined)).toBeUndefined();
  });
});

describe('refuseAppChangeByPortal', () => {
  it('refuses a link any change of app (403), but lets a link scoped to an app name its own', () => {
    expect(outcome(() => refuseAppChangeByPortal(byIds, 'acme'))).toBe(403);
    expect(outcome(() => refuseAppChangeByPortal(byIds, null))).toBe(403);
    expect(outcome(() => refuseAppChangeByPortal(byApp, null))).toBe(403);
    expect(outcome(() => refuseAppChangeByPortal(byApp, 'globex'))).toBe(403);
    expect(outcome(() => refuseAppChangeByPortal(byApp, 'acme'))).toBe('passes');
    expect(outcome(() => refuseAppChangeByPortal(byIds, undefined))).toBe('passes');
  });

  it('leaves keys alone', () => {
    expect(outcome(() => refuseAppChangeByPortal(byKey, null))).toBe('passes');
    expect(outcome(() => refuseAppChangeByPortal(byKey, 'globex'))).toBe('passes');
  });
});
