// What the console sends to mint a portal link, the address it shows once, who sees the screen,
// and the addresses of the first-run screens.
import * as consoleLimits from '../../src/console/portalLinkInput';
import { canMintPortalLinks, EMPTY_PORTAL_LINK_FORM, portalLinkAddress, portalLinkBody } from '../../src/console/portalLinkInput';
import { hashFor, parseHash } from '../../src/console/route';
import { DEFAULT_PORTAL_TTL_SECONDS, MAX_PORTAL_TTL_SECONDS, MIN_PORTAL_TTL_SECONDS } from '../../src/policy/portal';

describe('portalLinkBody', () => {
  it('sends the webhooks ticked, once each, with the lifetime', () => {
    expect(portalLinkBody({ ...EMPTY_PORTAL_LINK_FORM, webhookIds: ['wh_1', 'wh_2', 'wh_1'] })).toEqual({
      body: { webhookIds: ['wh_1', 'wh_2'], ttlSeconds: 3600 },
    });
  });

  it('sends an app instead, trimmed, and never both', () => {
    expect(portalLinkBody({ scope: 'app', webhookIds: ['wh_1'], app: ' shop-42 ', ttlSeconds: '60' })).toEqual({ body: { app: 'shop-42', ttlSeconds: 60 } });
  });

  it('names the field at fault: no webhook, no app, a lifetime out of 60..86400 or not a whole number', () => {
    expect(portalLinkBody(EMPTY_PORTAL_LINK_FORM)).toMatchObject({ invalid: { field: 'webhookIds' } });
    expect(portalLinkBody({ ...EMPTY_PORTAL_LINK_FORM, scope: 'app', app: '  ' })).toMatchObject({ invalid: { field: 'app' } });
    for (const ttlSeconds of ['59', '86401', '1.5', '', 'soon', '-60']) {
      expect(portalLinkBody({ ...EMPTY_PORTAL_LINK_FORM, webhookIds: ['wh_1'], ttlSeconds })).toMatchObject({ invalid: { field: 'ttlSeconds' } });
    }
    expect(portalLinkBody({ ...EMPTY_PORTAL_LINK_FORM, webhookIds: ['wh_1'], ttlSeconds: '86400' })).toEqual({
      body: { webhookIds: ['wh_1'], ttlSeconds: 86400 },
    });
  });

  it("keeps the server's limits (the console repeats them: it imports no server code)", () => {
    expect([consoleLimits.MIN_PORTAL_TTL_SECONDS, consoleLimits.MAX_PORTAL_TTL_SECONDS, consoleLimits.DEFAULT_PORTAL_TTL_SECONDS]).toEqual([
      MIN_PORTAL_TTL_SECONDS,
      MAX_PORTAL_TTL_SECONDS,
      DEFAULT_PORTAL_TTL_SECONDS,
    ]);
  });
});

describe('portalLinkAddress', () => {
  it("is Herald's url when it gives one", () => {
    expect(portalLinkAddress({ url: 'https://herald.example.com/console/#portal=t', token: 't' }, 'http://127.0.0.1:3000/console/')).toBe(
      'https://herald.example.com/console/#portal=t',
    );
  });

  it("is otherwise this console's address with the token, encoded, in the fragment", () => {
    expect(portalLinkAddress({ token: 'a+b/c' }, 'http://127.0.0.1:3000/console/')).toBe('http://127.0.0.1:3000/console/#portal=a%2Bb%2Fc');
    expect(portalLinkAddress({ token: 't' }, 'http://127.0.0.1:3000/console/#/ws/ws_1/portal-links')).toBe('http://127.0.0.1:3000/console/#portal=t');
  });
});

describe('canMintPortalLinks', () => {
  it('is the admin key, or a workspace key with webhooks:write; never a portal', () => {
    expect(canMintPortalLinks({ kind: 'admin' })).toBe(true);
    expect(canMintPortalLinks({ kind: 'workspace', scopes: ['webhooks:read', 'webhooks:write'] })).toBe(true);
    expect(canMintPortalLinks({ kind: 'workspace', scopes: ['webhooks:read', 'deliveries:read'] })).toBe(false);
    expect(canMintPortalLinks({ kind: 'workspace' })).toBe(true);
    expect(canMintPortalLinks({ kind: 'portal', scopes: ['webhooks:write'] })).toBe(false);
  });
});

describe('the first-run screens in the address', () => {
  it('round-trips Event types and Portal links', () => {
    for (const name of ['event-types', 'portal-links'] as const) {
      const hash = hashFor('ws_1', { name });
      expect(hash).toBe(`#/ws/ws_1/${name}`);
      expect(parseHash(hash)).toEqual({ ws: 'ws_1', screen: { name } });
    }
  });
});
