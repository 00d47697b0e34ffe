// What the console sends: list queries, the recover body, webhook bodies, and its addresses.
import { deliveryListQuery, filtersFromParams, isoToLocalInput, localInputToIso, queryString, recoverBody } from '../../src/console/query';
import { hashFor, parseHash, portalTokenOf, type Screen } from '../../src/console/route';
import type { Webhook } from '../../src/console/types';
import { createBody, EMPTY_FORM, eventList, formOf, patchBody } from '../../src/console/webhookInput';

describe('queryString', () => {
  it('encodes the given values and skips the empty ones', () => {
    expect(queryString({ a: 'x y', b: undefined, c: '', d: null, e: 5 })).toBe('?a=x+y&e=5');
    expect(queryString({ a: undefined })).toBe('');
  });
});

describe('delivery filters', () => {
  it('builds the list query from the filters, the cursor and the page size', () => {
    expect(deliveryListQuery({ webhookId: 'wh_1', status: 'failed', eventType: 'order.paid' }, 'c1', 25)).toBe(
      '?webhookId=wh_1&status=failed&eventType=order.paid&limit=25&cursor=c1',
    );
    expect(deliveryListQuery({ since: '2026-12-03T10:00:00.000Z', until: '2026-12-03T11:00:00.000Z' })).toBe(
      '?since=2026-12-03T10%3A00%3A00.000Z&until=2026-12-03T11%3A00%3A00.000Z&limit=50',
    );
    expect(deliveryListQuery({ eventId: 'order-42' })).toBe('?eventId=order-42&limit=50');
  });

  it('reads filters back from the address, leaving out an unknown status and a date that does not parse', () => {
    expect(filtersFromParams(new URLSearchParams('webhookId=wh_1&status=buffered&eventType=a.b&since=2026-12-03T10:00:00Z'))).toEqual({
      webhookId: 'wh_1',
      status: 'buffered',
      eventType: 'a.b',
      since: '2026-12-03T10:00:00.000Z',
    });
    expect(filtersFromParams(new URLSearchParams('status=lost&until=soon&webhookId=%20'))).toEqual({});
  });
});

describe('datetime-local values', () => {
  it('round-trips a local time to the minute', () => {
    const local = new Date(2026, 11, 3, 9, 30);
    expect(isoToLocalInput(local.toISOString())).toBe('2026-12-03T09:30');
    expect(localInputToIso('2026-12-03T09:30')).toBe(local.toISOString());
  });

  it('refuses what is not a time', () => {
    expect(localInputToIso('')).toBeUndefined();
    expect(localInputToIso('tomorrow')).toBeUndefined();
    expect(localInputToIso('2026-13-45T99:99')).toBeUndefined();
    expect(isoToLocalInput('never')).toBe('');
  });
});

describe('recoverBody', () => {
  const since = '2026-12-03T09:00';
  it('sends the range and the chosen statuses in the API order', () => {
    expect(recoverBody({ since, until: '2026-12-03T10:00', statuses: ['dropped', 'failed'] })).toEqual({
      body: { since: localInputToIso(since), until: localInputToIso('2026-12-03T10:00'), statuses: ['failed', 'dropped'] },
    });
  });

  it('leaves `until` out when empty: the API takes now', () => {
    expect(recoverBody({ since, until: ' ', statuses: ['expired'] })).toEqual({ body: { since: localInputToIso(since), statuses: ['expired'] } });
  });

  it.each([
    [{ since: '', until: '', statuses: ['failed'] }, 'since'],
    [{ since, until: 'later', statuses: ['failed'] }, 'until'],
    [{ since, until: '2026-12-03T08:00', statuses: ['failed'] }, 'until'],
    [{ since, until: since, statuses: ['failed'] }, 'until'],
    [{ since, until: '', statuses: [] }, 'statuses'],
    [{ since, until: '', statuses: ['succeeded'] }, 'statuses'],
  ])('refuses %j naming %s', (input, field) => {
    const result = recoverBody(input);
    expect('invalid' in result && result.invalid.field).toBe(field);
  });
});

describe('webhook bodies', () => {
  const form = { ...EMPTY_FORM, name: ' Orders ', url: 'https://example.com/in', events: 'order.paid, order.shipped order.paid' };
  const existing: Webhook = {
    id: 'wh_1',
    name: 'Orders',
    url: 'https://example.com/in',
    events: ['order.paid', 'order.shipped'],
    method: 'POST',
    contentType: 'json',
    active: true,
    hasSecret: true,
    retryPolicy: { preset: 'fixed' },
    timeoutMs: 5000,
    createdAt: '',
    updatedAt: '',
  };

  it('splits event names on commas and spaces, once each', () => {
    expect(eventList(' a.b,c.d  a.b ,, *')).toEqual(['a.b', 'c.d', '*']);
  });

  it('creates with a generated secret by default and the preset as the retry policy', () => {
    expect(createBody(form)).toEqual({
      body: {
        name: 'Orders',
        url: 'https://example.com/in',
        events: ['order.paid', 'order.shipped'],
        method: 'POST',
        contentType: 'json',
        retryPolicy: { preset: 'fixed' },
        secret: true,
      },
    });
    expect(createBody({ ...form, generateSecret: false, app: 'shop', timeoutMs: '2500' })).toMatchObject({ body: { app: 'shop', timeoutMs: 2500 } });
    expect(createBody({ ...form, generateSecret: false })).not.toHaveProperty('body.secret');
  });

  it.each([
    [{ name: ' ' }, 'name'],
    [{ url: 'ftp://example.com' }, 'url'],
    [{ events: ' , ' }, 'events'],
    [{ method: 'GET' }, 'method'],
    [{ contentType: 'yaml' }, 'contentType'],
    [{ preset: 'forever' }, 'preset'],
    [{ timeoutMs: '5s' }, 'timeoutMs'],
  ])('refuses %j naming %s', (change, field) => {
    const result = createBody({ ...form, ...change });
    expect('invalid' in result && result.invalid.field).toBe(field);
  });

  it('patches only what changed', () => {
    expect(patchBody(formOf(existing), existing)).toEqual({ body: {} });
    expect(patchBody({ ...formOf(existing), url: 'https://example.com/new', events: 'order.paid', preset: 'progressive' }, existing)).toEqual({
      body: { url: 'https://example.com/new', events: ['order.paid'], retryPolicy: { preset: 'progressive' } },
    });
  });

  it('clears an emptied app and timeout with null', () => {
    const withApp = { ...existing, app: 'shop' };
    expect(patchBody({ ...formOf(withApp), app: '', timeoutMs: '' }, withApp)).toEqual({ body: { app: null, timeoutMs: null } });
  });
});

describe('addresses', () => {
  const screens: Screen[] = [
    { name: 'webhooks' },
    { name: 'new-webhook' },
    { name: 'webhook', id: 'wh_1' },
    { name: 'edit-webhook', id: 'wh_1' },
    { name: 'delivery', id: 'delivery/ws_1/order 42/wh_1' },
    { name: 'recover' },
    { name: 'recover', webhookId: 'wh_1' },
    { name: 'events' },
    { name: 'events', id: 'order/42?x' },
    { name: 'notifications' },
  ];

  it.each(screens.map((screen) => [screen.name, screen]))('round-trips the %s screen', (_name, screen) => {
    expect(parseHash(hashFor('ws_1', screen))).toEqual({ ws: 'ws_1', screen });
  });

  it('keeps the delivery filters in the address', () => {
    const params = new URLSearchParams({ webhookId: 'wh_1', status: 'failed', since: '2026-12-03T10:00:00.000Z' });
    const route = parseHash(hashFor('ws_1', { name: 'deliveries', params }));
    expect(route.screen.name === 'deliveries' && Object.fromEntries(route.screen.params)).toEqual(Object.fromEntries(params));
  });

  it('opens the workspace list, or the webhooks, for an address without a workspace', () => {
    expect(parseHash('#/workspaces')).toEqual({ screen: { name: 'workspaces' } });
    expect(parseHash('')).toEqual({ screen: { name: 'webhooks' } });
    expect(parseHash('#/ws/%E0%A4%A/webhooks')).toEqual({ screen: { name: 'webhooks' } });
    expect(hashFor(undefined, { name: 'webhooks' })).toBe('#/workspaces');
  });

  it('reads a portal token from a portal link only', () => {
    expect(portalTokenOf('#portal=hp_abc-123')).toBe('hp_abc-123');
    expect(portalTokenOf('#/ws/ws_1/webhooks')).toBeUndefined();
    expect(portalTokenOf('#portal=')).toBeUndefined();
  });
});
