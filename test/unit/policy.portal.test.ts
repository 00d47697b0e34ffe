// The pure rules of customer portal links: which scope a request asks for, which webhooks a
// scope opens, how long a link lives, and the URL handed to the customer.
import {
  DEFAULT_PORTAL_TTL_SECONDS,
  MAX_PORTAL_TTL_SECONDS,
  MIN_PORTAL_TTL_SECONDS,
  portalExpiry,
  portalLinkLive,
  portalUrl,
  scopeOf,
  webhookInScope,
} from '../../src/policy/portal';

describe('scopeOf', () => {
  it('takes webhook ids or an app', () => {
    expect(scopeOf({ webhookIds: ['wh_a', 'wh_b'] })).toEqual({ scope: { webhookIds: ['wh_a', 'wh_b'] } });
    expect(scopeOf({ app: 'acme' })).toEqual({ scope: { app: 'acme' } });
  });

  it('refuses both at once and neither, naming both fields', () => {
    expect(scopeOf({ webhookIds: ['wh_a'], app: 'acme' })).toEqual({
      problem: 'body must name either webhookIds or app, not both',
      fields: ['body.webhookIds', 'body.app'],
    });
    expect(scopeOf({})).toEqual({ problem: expect.stringMatching(/^body\.webhookIds or body\.app is required/), fields: ['body.webhookIds', 'body.app'] });
  });
});

describe('webhookInScope', () => {
  const ids = { webhookIds: ['wh_a'] };
  const app = { app: 'acme' };

  it('opens the named webhooks only, whatever their app', () => {
    expect(webhookInScope(ids, { _id: 'wh_a' })).toBe(true);
    expect(webhookInScope(ids, { _id: 'wh_a', app: 'other' })).toBe(true);
    expect(webhookInScope(ids, { _id: 'wh_b' })).toBe(false);
  });

  it("opens every webhook of the app, and none without an app or of another (ids don't matter)", () => {
    expect(webhookInScope(app, { _id: 'wh_any', app: 'acme' })).toBe(true);
    expect(webhookInScope(app, { _id: 'wh_any' })).toBe(false);
    expect(webhookInScope(app, { _id: 'wh_any', app: 'acme-2' })).toBe(false);
    expect(webhookInScope(app, { _id: 'wh_any', app: 'ACME' })).toBe(false);
  });
});

describe('expiry', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');

  it('lives an hour by default, between a minute and a day', () => {
    expect([MIN_PORTAL_TTL_SECONDS, DEFAULT_PORTAL_TTL_SECONDS, MAX_PORTAL_TTL_SECONDS]).toEqual([60, 3600, 86_400]);
    expect(portalExpiry(now).toISOString()).toBe('2026-12-03T13:00:00.000Z');
    expect(portalExpiry(now, 60).toISOString()).toBe('2026-12-03T12:01:00.000Z');
  });

  it('opens nothing from its expiry on', () => {
    const expiresAt = portalExpiry(now, 60);
    expect(portalLinkLive(expiresAt, new Date(now + 59_999))).toBe(true);
    expect(portalLinkLive(expiresAt, new Date(now + 60_000))).toBe(false);
    expect(portalLinkLive(expiresAt, new Date(now + 61_000))).toBe(false);
  });
});

describe('portalUrl', () => {
  it('is the console under the public URL with the token in the fragment', () => {
    expect(portalUrl('https://hooks.example.com', 'hpt_pl_1.abc-_')).toBe('https://hooks.example.com/console/#portal=hpt_pl_1.abc-_');
    expect(portalUrl('https://example.com/herald', 'hpt_x')).toBe('https://example.com/herald/console/#portal=hpt_x');
  });

  it('encodes what a fragment could not carry, and is absent without a public URL', () => {
    expect(portalUrl('http://localhost:8080', 'a b&c')).toBe('http://localhost:8080/console/#portal=a%20b%26c');
    expect(portalUrl(undefined, 'hpt_x')).toBeUndefined();
  });
});
