import { buildHeaders, generateSecret, HERALD_VERSION, isReservedHeader, RESERVED_HEADERS } from '../../src/outbound';
import { Webhook } from 'standardwebhooks';

const base = {
  contentType: 'application/json',
  deliveryId: 'delivery/ws/evt/wh',
  eventType: 'ticket.updated',
  body: '{}',
  now: new Date('2024-05-01T12:00:00.500Z'),
};

describe('buildHeaders', () => {
  it("sets Herald's headers", () => {
    expect(buildHeaders(base)).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': `Herald-Webhooks/${HERALD_VERSION}`,
      'webhook-id': 'delivery/ws/evt/wh',
      'webhook-event-type': 'ticket.updated',
    });
  });

  it('adds Basic auth from username and password', () => {
    const headers = buildHeaders({ ...base, auth: { username: 'shop', password: 'pä:ss' } });
    expect(headers.Authorization).toBe('Basic ' + Buffer.from('shop:pä:ss', 'utf8').toString('base64'));
  });

  it('signs with the timestamp in seconds when a secret is set', () => {
    const headers = buildHeaders({ ...base, secret: generateSecret() });
    expect(headers['webhook-timestamp']).toBe('1714564800');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('adds custom headers but never lets them override reserved ones, whatever the case', () => {
    const headers = buildHeaders({
      ...base,
      auth: { username: 'u', password: 'p' },
      secret: generateSecret(),
      custom: {
        'X-Shop': 'mgr',
        'content-TYPE': 'text/plain',
        'user-agent': 'mygadgetrepairs',
        'WEBHOOK-ID': 'forged',
        'Webhook-Signature': 'v1,forged',
        'webhook-timestamp': '1',
        'Webhook-Event-Type': 'forged',
        AUTHORIZATION: 'Bearer x',
        Host: 'evil',
        'Content-Length': '1',
        'Transfer-Encoding': 'chunked',
        Connection: 'close',
      },
    });
    expect(headers['X-Shop']).toBe('mgr');
    const names = Object.keys(headers).map((n) => n.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    expect(headers['Content-Type']).toBe('application/json');
    expect(headers['webhook-id']).toBe('delivery/ws/evt/wh');
    expect(Object.values(headers)).not.toContain('forged');
    expect(Object.keys(headers).sort()).toEqual(
      ['Authorization', 'Content-Type', 'User-Agent', 'X-Shop', 'webhook-event-type', 'webhook-id', 'webhook-signature', 'webhook-timestamp'].sort(),
    );
  });

  it.each([
    ['Content-Type', true],
    ['WEBHOOK-SIGNATURE', true],
    [' host ', true],
    ['x-custom', false],
    ['webhook-custom', false],
  ])('isReservedHeader(%j) = %s', (name, reserved) => {
    expect(isReservedHeader(name)).toBe(reserved);
  });

  it('lists the reserved names in lower case', () => {
    expect(RESERVED_HEADERS.every((n) => n === n.toLowerCase())).toBe(true);
    expect(RESERVED_HEADERS).toEqual(expect.arrayContaining(['content-type', 'user-agent', 'webhook-id', 'authorization', 'host']));
  });
});

describe('signatures during a secret rotation', () => {
  const body = '{"type":"ticket.updated"}';
  const current = generateSecret();
  const previous = generateSecret();
  // The verifier checks the timestamp against its clock.
  const now = new Date();
  const headers = buildHeaders({ ...base, now, body, secret: current, previousSecret: previous });

  it('carries one v1 signature per secret, the new one first, space-separated', () => {
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
    expect(headers['webhook-signature'].split(' ')[0]).toBe(buildHeaders({ ...base, now, body, secret: current })['webhook-signature']);
  });

  it('is accepted by the standardwebhooks verifier holding either secret, and by no other', () => {
    for (const secret of [current, previous]) expect(new Webhook(secret).verify(body, headers)).toEqual({ type: 'ticket.updated' });
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });
});
