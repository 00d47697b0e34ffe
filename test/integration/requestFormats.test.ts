// The outgoing request as a real receiver sees it, byte for byte: the JSON
// envelope, form and XML bodies, payload templates, method, Basic auth, custom headers and
// Standard Webhooks signatures with a user-supplied secret.
import { Webhook } from 'standardwebhooks';
import type { Herald } from '../support/client';
import { startHerald, type HeraldStack } from '../support/stack';
import { eventually } from '../support/eventually';
import { startReceiver, type ReceivedRequest, type Receiver } from '../support/receiver';

jest.setTimeout(120_000);

const EVENT_TYPE = 'ticket.updated';
// Odd spacing, an escaped quote and a 20-digit number: only a byte-exact splice survives them.
const RAW_DATA = '{"ticket_ref": "T-1",  "model": "X \\"quoted\\"", "big": 12345678901234567890}';

let stack: HeraldStack;
let herald: Herald;
let receiver: Receiver;

beforeAll(async () => {
  [stack, receiver] = await Promise.all([startHerald(), startReceiver()]);
  herald = stack.herald;
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

interface Delivered {
  request: ReceivedRequest;
  eventId: string;
  /** When Herald received the event, as stored: the envelope's timestamp. */
  receivedAt: string;
}

/**
 * One webhook with `fields`, alone in a fresh workspace so nothing else hears its event, and one
 * ticket.updated event carrying `rawData`; returns the request the receiver got.
 */
async function deliver(fields: Record<string, unknown>, rawData = RAW_DATA): Promise<Delivered> {
  const ws = await herald.workspace([EVENT_TYPE]);
  const path = `/hooks/${ws.id}`;
  const created = await herald.request(
    'POST',
    `/workspaces/${ws.id}/webhooks`,
    { name: 'Formats', url: `${receiver.url}/${ws.id}`, events: [EVENT_TYPE], ...fields },
    ws.key,
  );
  expect(created.status).toBe(201);
  const ingested = await herald.request('POST', `/workspaces/${ws.id}/events`, `{"type":"${EVENT_TYPE}","data":${rawData}}`, ws.key);
  expect(ingested.status).toBe(202);
  const eventId = ingested.body.data.eventId as string;

  const request: ReceivedRequest = await eventually(() => receiver.requests.find((r) => r.path === path), {
    timeoutMs: 60_000,
    intervalMs: 100,
    what: `a request to reach ${path}`,
  });
  const event = await stack.store.events.get(ws.id, eventId);
  return { request, eventId, receivedAt: event!.receivedAt.toISOString() };
}

const signatureHeaders = (request: ReceivedRequest) => ({
  'webhook-id': String(request.headers['webhook-id']),
  'webhook-timestamp': String(request.headers['webhook-timestamp']),
  'webhook-signature': String(request.headers['webhook-signature']),
});

describe('request bodies', () => {
  it('JSON (default): the envelope with the data spliced in exactly as sent', async () => {
    const { request, eventId, receivedAt } = await deliver({});
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    const timestamp = JSON.parse(request.body).timestamp as string;
    expect(timestamp).toBe(receivedAt);
    expect(request.body).toBe(`{"id":"${eventId}","family":"ticket","action":"${EVENT_TYPE}","timestamp":"${timestamp}","data":${RAW_DATA}}`);
  });

  it('form: the envelope flattened to bracketed keys', async () => {
    const { request, eventId, receivedAt } = await deliver(
      { contentType: 'form' },
      '{"ticket_ref": "T-1", "model": "X \\"quoted\\" & co", "tags": ["a", "b"], "owner": {"id": 7, "vip": true, "note": null}}',
    );
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.body).toBe(
      [
        `id=${eventId}`,
        'family=ticket',
        `action=${EVENT_TYPE}`,
        `timestamp=${encodeURIComponent(receivedAt)}`,
        'data%5Bticket_ref%5D=T-1',
        'data%5Bmodel%5D=X+%22quoted%22+%26+co',
        'data%5Btags%5D%5B0%5D=a',
        'data%5Btags%5D%5B1%5D=b',
        'data%5Bowner%5D%5Bid%5D=7',
        'data%5Bowner%5D%5Bvip%5D=true',
        'data%5Bowner%5D%5Bnote%5D=',
      ].join('&'),
    );
    expect(new URLSearchParams(request.body).get('data[model]')).toBe('X "quoted" & co');
  });

  it('XML: <notification> holding one element per key, text escaped', async () => {
    const { request, eventId, receivedAt } = await deliver(
      { contentType: 'xml' },
      '{"ticket_ref": "T-1", "model": "X \\"quoted\\" <b> & co", "tags": ["a", "b"], "note": null}',
    );
    expect(request.headers['content-type']).toBe('application/xml');
    expect(request.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><notification>' +
        `<id>${eventId}</id><family>ticket</family><action>${EVENT_TYPE}</action><timestamp>${receivedAt}</timestamp>` +
        '<data><ticket_ref>T-1</ticket_ref><model>X &quot;quoted&quot; &lt;b&gt; &amp; co</model><tags>a</tags><tags>b</tags><note/></data>' +
        '</notification>',
    );
  });

  it('payloadTemplate: tags filled from the event, JSON-escaped, a missing tag empty', async () => {
    const payloadTemplate = '{"ticket_ref": "{ticket_ref}", "model": "{data.model}", "missing": "{nope}"}';
    const { request } = await deliver({ payloadTemplate }, '{"ticket_ref": "T-1", "model": "X \\"quoted\\""}');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toBe('{"ticket_ref": "T-1", "model": "X \\"quoted\\"", "missing": ""}');
    expect(JSON.parse(request.body)).toEqual({ ticket_ref: 'T-1', model: 'X "quoted"', missing: '' });
  });

  it('payloadTemplate with the form encoding sends the rendered object as form fields', async () => {
    const { request, eventId } = await deliver({ contentType: 'form', payloadTemplate: '{"ref": "{ticket_ref}", "event": "{id}"}' });
    expect(request.body).toBe(`ref=T-1&event=${eventId}`);
  });
});

describe('request method and headers', () => {
  it("PUT, Basic auth and custom headers next to Herald's own", async () => {
    const { request, eventId } = await deliver({
      method: 'PUT',
      auth: { username: 'shop-user', password: 'p@ss:word' },
      headers: { 'X-Tenant': 'acme', 'X-Api-Version': '2024-01' },
    });
    expect(request.method).toBe('PUT');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('shop-user:p@ss:word').toString('base64')}`);
    expect(request.headers).toMatchObject({
      'x-tenant': 'acme',
      'x-api-version': '2024-01',
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^Herald-Webhooks\/\d+\.\d+\.\d+$/),
      'webhook-event-type': EVENT_TYPE,
      'webhook-id': expect.stringContaining(`/${eventId}/`),
    });
    // No secret, no signature.
    expect(request.headers['webhook-signature']).toBeUndefined();
  });

  it.each(['User-Agent', 'content-type', 'Webhook-Id', 'Authorization'])('refuses a custom %s header at create time, naming it', async (name) => {
    const ws = await herald.workspace([EVENT_TYPE]);
    const refused = await herald.request(
      'POST',
      `/workspaces/${ws.id}/webhooks`,
      { name: 'X', url: receiver.url, events: [EVENT_TYPE], headers: { [name]: 'mine' } },
      ws.key,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(`body.headers.${name}`);
    expect(refused.body.error.details).toEqual({ fields: [`body.headers.${name}`] });
  });
});

describe('signatures with a user-supplied secret', () => {
  it('a plain secret is normalised to whsec_ and the standardwebhooks verifier accepts the request', async () => {
    const secret = 'QWZTFnMEXhqZKNmu';
    const normalised = `whsec_${Buffer.from(secret).toString('base64')}`;
    const { request } = await deliver({ secret });
    const headers = signatureHeaders(request);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(120);
    expect(new Webhook(normalised).verify(request.body, headers)).toMatchObject({ action: EVENT_TYPE });
    expect(new Webhook(secret, { format: 'raw' }).verify(request.body, headers)).toMatchObject({ action: EVENT_TYPE });
    expect(() => new Webhook(normalised).verify(request.body.replace('T-1', 'T-2'), headers)).toThrow();
    expect(() => new Webhook(`whsec_${Buffer.from('another-secret').toString('base64')}`).verify(request.body, headers)).toThrow();
  });

  it('a whsec_ secret is used as given', async () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const { request } = await deliver({ secret });
    expect(new Webhook(secret).verify(request.body, signatureHeaders(request))).toMatchObject({ action: EVENT_TYPE });
  });
});
