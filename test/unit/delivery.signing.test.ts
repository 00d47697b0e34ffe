import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateSecret, normalizeSecret, SecretError, signPayload } from '../../src/outbound';

const body = '{"id":"evt_1","data":{ "a" : 1.0 }}';
const msgId = 'delivery/ws_1/evt_1/wh_1';

function headersFor(secret: string, timestampSeconds: number) {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signPayload(secret, msgId, timestampSeconds, body),
  };
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe('signing', () => {
  it('generates whsec_ secrets of 24 random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
    expect(generateSecret()).not.toBe(secret);
  });

  it('produces signatures the standardwebhooks verifier accepts (generated secret)', () => {
    const secret = generateSecret();
    expect(new Webhook(secret).verify(body, headersFor(secret, nowSeconds()))).toEqual({ id: 'evt_1', data: { a: 1 } });
  });

  it('produces signatures the verifier accepts for a normalised plain user secret', () => {
    const userSecret = 'QWZTFnMEXhqZKNmu';
    const stored = normalizeSecret(userSecret);
    expect(stored).toBe('whsec_' + Buffer.from(userSecret).toString('base64'));
    const headers = headersFor(stored, nowSeconds());
    expect(() => new Webhook(stored).verify(body, headers)).not.toThrow();
    // A receiver holding only the plain secret verifies with it as the raw key.
    expect(() => new Webhook(userSecret, { format: 'raw' }).verify(body, headers)).not.toThrow();
  });

  it('is the documented HMAC over "{id}.{timestamp}.{body}"', () => {
    const secret = 'whsec_' + Buffer.from('key').toString('base64');
    const expected = createHmac('sha256', 'key').update(`${msgId}.1700000000.${body}`).digest('base64');
    expect(signPayload(secret, msgId, 1700000000, body)).toBe(`v1,${expected}`);
  });

  it('fails verification when the body changes', () => {
    const secret = generateSecret();
    const headers = headersFor(secret, nowSeconds());
    expect(() => new Webhook(secret).verify(body + ' ', headers)).toThrow('No matching signature');
  });

  it('keeps valid whsec_ secrets and rejects malformed or empty ones', () => {
    const secret = generateSecret();
    expect(normalizeSecret(secret)).toBe(secret);
    expect(() => normalizeSecret('whsec_not base64!')).toThrow(SecretError);
    expect(() => normalizeSecret('whsec_')).toThrow(SecretError);
    expect(() => normalizeSecret('')).toThrow(SecretError);
  });

  it('refuses to sign with an unnormalised secret', () => {
    expect(() => signPayload('QWZTFnMEXhqZKNmu', msgId, 1, body)).toThrow(SecretError);
  });
});
