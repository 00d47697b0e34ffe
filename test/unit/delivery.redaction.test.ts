// The request as a person sees it: the real builder's output, then masked. Nothing that proves or
// grants something shows: signatures, Basic credentials, custom header values, credential-like names.
import { buildRequest, generateSecret, MASK, redactRequest, type OutgoingRequest } from '../../src/outbound';
import type { EventRecord, WebhookTarget } from '../../src/core/domain';

const event: EventRecord = { id: 'evt_1', type: 'order.paid', family: 'order', data: '{"orderId":"42"}', receivedAt: '2026-12-03T12:00:00.000Z' };
const now = new Date('2026-12-03T12:00:05.000Z');

describe('redactRequest', () => {
  it('masks the signature, Authorization and every custom header value, and keeps the rest as sent', () => {
    const secret = generateSecret();
    const target: WebhookTarget = {
      id: 'wh_1',
      url: 'https://example.com/hooks',
      method: 'POST',
      contentType: 'json',
      secret,
      auth: { username: 'herald', password: 'hunter2-password' },
      headers: { 'X-Tenant': 'acme-tenant-value', 'X-Api-Key': 'key-123-value' },
    };
    const sent = buildRequest(target, event, 'delivery/ws/evt_1/wh_1', now);
    const shown = redactRequest(sent, ['X-Tenant', 'X-Api-Key']);

    expect(shown.headers).toEqual({
      'Content-Type': sent.headers['Content-Type'],
      'User-Agent': sent.headers['User-Agent'],
      'webhook-id': 'delivery/ws/evt_1/wh_1',
      'webhook-event-type': 'order.paid',
      'webhook-timestamp': String(now.getTime() / 1000),
      'webhook-signature': MASK,
      Authorization: MASK,
      'X-Tenant': MASK,
      'X-Api-Key': MASK,
    });
    expect(shown.body).toBe(sent.body);
    expect(shown.body).toContain('"orderId":"42"');
    expect({ method: shown.method, url: shown.url }).toEqual({ method: 'POST', url: 'https://example.com/hooks' });
    const text = JSON.stringify(shown);
    for (const secretValue of [
      secret,
      'hunter2-password',
      'acme-tenant-value',
      'key-123-value',
      sent.headers['webhook-signature'],
      sent.headers.Authorization,
    ]) {
      expect(text).not.toContain(secretValue);
    }
  });

  it('masks a header named like a credential even when it is not a custom one, and leaves the original request alone', () => {
    const request: OutgoingRequest = { method: 'POST', url: 'https://example.com', body: '{}', headers: { 'X-Session-Token': 'abc', Accept: 'text/plain' } };
    expect(redactRequest(request, []).headers).toEqual({ 'X-Session-Token': MASK, Accept: 'text/plain' });
    expect(request.headers['X-Session-Token']).toBe('abc');
  });
});
