import { Webhook } from 'standardwebhooks';
import type { EventRecord, WebhookTarget } from '../../src/core/domain';
import { buildPingRequest, buildRequest, generateSecret, TemplateError } from '../../src/outbound';

const rawData = '{"model" : "Pixel 8",  "ticket_ref":"T-1"}';
const event: EventRecord = { id: 'evt_1', type: 'ticket.updated', family: 'ticket', data: rawData, receivedAt: '2024-05-01T12:00:00.000Z' };
const target: WebhookTarget = { id: 'wh_1', url: 'https://example.com/hook', method: 'PUT', contentType: 'json' };
const deliveryId = 'delivery/ws_1/evt_1/wh_1';

describe('buildRequest', () => {
  it('sends the envelope with the raw data for JSON webhooks', () => {
    const req = buildRequest(target, event, deliveryId, new Date());
    expect(req).toMatchObject({ method: 'PUT', url: 'https://example.com/hook' });
    expect(req.body).toBe('{"id":"evt_1","family":"ticket","action":"ticket.updated","timestamp":"2024-05-01T12:00:00.000Z","data":' + rawData + '}');
    expect(req.headers).toMatchObject({ 'Content-Type': 'application/json', 'webhook-id': deliveryId, 'webhook-event-type': 'ticket.updated' });
    expect(req.headers['webhook-signature']).toBeUndefined();
  });

  it('renders the payload template instead when there is one, in every format', () => {
    const templated = { ...target, payloadTemplate: '{"ref": "{ticket_ref}", "model": "{data.model}"}' };
    expect(buildRequest(templated, event, deliveryId, new Date()).body).toBe('{"ref": "T-1", "model": "Pixel 8"}');
    expect(buildRequest({ ...templated, contentType: 'form' }, event, deliveryId, new Date()).body).toBe('ref=T-1&model=Pixel+8');
    expect(buildRequest({ ...templated, contentType: 'xml' }, event, deliveryId, new Date()).body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><notification><ref>T-1</ref><model>Pixel 8</model></notification>',
    );
  });

  it('encodes the envelope as form and XML', () => {
    const form = buildRequest({ ...target, contentType: 'form' }, event, deliveryId, new Date());
    expect(form.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(form.body).get('data[model]')).toBe('Pixel 8');
    const xml = buildRequest({ ...target, contentType: 'xml' }, event, deliveryId, new Date());
    expect(xml.headers['Content-Type']).toBe('application/xml');
    expect(xml.body).toContain('<action>ticket.updated</action><timestamp>2024-05-01T12:00:00.000Z</timestamp><data><model>Pixel 8</model>');
  });

  it('keeps the body bytes across retries; only the signature headers follow the clock', () => {
    const signed = { ...target, secret: generateSecret(), headers: { 'X-Shop': 'mgr' }, auth: { username: 'u', password: 'p' } };
    const first = buildRequest(signed, event, deliveryId, new Date(Date.now() - 300_000));
    const retry = buildRequest(signed, event, deliveryId, new Date());
    expect(retry.body).toBe(first.body);
    expect(retry.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(retry.headers['webhook-timestamp']).not.toBe(first.headers['webhook-timestamp']);
    expect(new Webhook(signed.secret).verify(retry.body, retry.headers)).toMatchObject({ id: 'evt_1' });
    expect(retry.headers['X-Shop']).toBe('mgr');
    expect(retry.headers.Authorization).toBe('Basic dTpw');
  });

  it('surfaces a template that does not render to an object as TemplateError', () => {
    expect(() => buildRequest({ ...target, payloadTemplate: '{"a": {ticket_ref}}' }, event, deliveryId, new Date())).toThrow(TemplateError);
  });
});

describe('buildPingRequest', () => {
  it('sends the ping with event type "ping", signed like any delivery', () => {
    const secret = generateSecret();
    const req = buildPingRequest({ ...target, method: 'POST', secret }, 'test/1', new Date());
    expect(req.method).toBe('POST');
    expect(req.headers['webhook-event-type']).toBe('ping');
    expect(JSON.parse(req.body).payload.type).toBe('ping');
    expect(() => new Webhook(secret).verify(req.body, req.headers)).not.toThrow();
  });
});
