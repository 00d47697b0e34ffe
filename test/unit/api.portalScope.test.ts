// How a request authenticated by a portal link is narrowed, in the helpers every route uses:
// the webhooks a list shows, the app a created webhook gets, the app a change may not touch, and
// the checks of records reached through another id (a recovery, an event's deliveries), against a
// store double. Requests of keys and the admin key (no `portal`) pass unchanged.
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../../src/api/plugins/errors';
import {
  appOfNewWebhook,
  keepInPortalScope,
  portalWebhookIds,
  refuseAppChangeByPortal,
  requireWebhookInPortalScope,
  webhookListScope,
} from '../../src/api/plugins/portal';
import { DomainError } from '../../src/core/errors';
import type { Store } from '../../src/store';

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

describe('the checks of records reached through another id', () => {
  // The workspace's webhooks as the store double knows them: one of the app, one of another, one without.
  const apps: Record<string, string | undefined> = { wh_a: undefined, wh_acme: 'acme', wh_globex: 'globex' };
  const store = {
    webhooks: {
      get: jest.fn(async (_ws: string, id: string) => (id in apps ? { _id: id, ...(apps[id] ? { app: apps[id] } : {}) } : null)),
      idsOfApp: jest.fn(async (_ws: string, app: string) => Object.keys(apps).filter((id) => apps[id] === app)),
    },
  } as unknown as Store;
  const records = [{ webhookId: 'wh_a' }, { webhookId: 'wh_acme' }, { webhookId: 'wh_globex' }, { webhookId: 'wh_b' }];

  /** 'passes', or the message of the not-found error the check throws. */
  async function check(request: FastifyRequest, webhookId: string): Promise<string> {
    try {
      await requireWebhookInPortalScope(request, store, webhookId, 'recovery');
      return 'passes';
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'not-found') return error.message;
      throw error;
    }
  }

  it("answers 404, naming the record, for a webhook outside a link's ids or app", async () => {
    expect(await check(byIds, 'wh_a')).toBe('passes');
    expect(await check(byIds, 'wh_acme')).toBe('recovery not found');
    expect(await check(byApp, 'wh_acme')).toBe('passes');
    expect(await check(byApp, 'wh_globex')).toBe('recovery not found');
    expect(await check(byApp, 'wh_a')).toBe('recovery not found');
    expect(await check(byApp, 'wh_deleted')).toBe('recovery not found');
    expect(await check(byKey, 'wh_anything')).toBe('passes');
  });

  it("keeps the records of the link's webhooks only, and every record for a key", async () => {
    expect(await keepInPortalScope(byIds, store, records, (r) => r.webhookId)).toEqual([{ webhookId: 'wh_a' }, { webhookId: 'wh_b' }]);
    expect(await keepInPortalScope(byApp, store, records, (r) => r.webhookId)).toEqual([{ webhookId: 'wh_acme' }]);
    expect(await keepInPortalScope(byKey, store, records, (r) => r.webhookId)).toBe(records);
    expect(await portalWebhookIds(byKey, store)).toBeUndefined();
    expect(await portalWebhookIds(byApp, store)).toEqual(['wh_acme']);
  });
});
