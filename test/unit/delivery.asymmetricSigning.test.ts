import { verify } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { buildHeaders, generateSecret, generateSigningKeyPair, publicKeyObject, signAsymmetric } from '../../src/outbound';

const msgId = 'delivery/ws_1/evt_1/wh_1';
const body = '{"type":"order.status","data":{"a":1}}';

/** What a receiver holding only the public key does: find the v1a entry and check it. */
function verifiesWith(publicKey: string, header: string, timestamp: string, signed = body): boolean {
  const entry = header.split(' ').find((part) => part.startsWith('v1a,'));
  if (!entry) return false;
  return verify(null, Buffer.from(`${msgId}.${timestamp}.${signed}`), publicKeyObject(publicKey), Buffer.from(entry.slice('v1a,'.length), 'base64'));
}

describe('Ed25519 (v1a) signatures', () => {
  const pair = generateSigningKeyPair();

  it('shows the public key as whpk_ and 32 raw bytes', () => {
    expect(pair.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(pair.publicKey.slice(5), 'base64')).toHaveLength(32);
  });

  it('signs "{id}.{timestamp}.{body}" so that the public key verifies it, and nothing else', () => {
    const signature = signAsymmetric(pair.privateKey, msgId, 1714564800, body);
    expect(signature).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verifiesWith(pair.publicKey, signature, '1714564800')).toBe(true);
    expect(verifiesWith(pair.publicKey, signature, '1714564801')).toBe(false);
    expect(verifiesWith(pair.publicKey, signature, '1714564800', body.replace('1', '2'))).toBe(false);
    expect(verifiesWith(generateSigningKeyPair().publicKey, signature, '1714564800')).toBe(false);
  });

  it('travels beside the v1 signature, which the standardwebhooks verifier still accepts', () => {
    const secret = generateSecret();
    const headers = buildHeaders({
      contentType: 'application/json',
      deliveryId: msgId,
      eventType: 'order.status',
      body,
      now: new Date(),
      secret,
      signingKey: pair.privateKey,
    });
    const [v1, v1a, ...more] = headers['webhook-signature'].split(' ');
    expect([v1.startsWith('v1,'), v1a.startsWith('v1a,'), more]).toEqual([true, true, []]);
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ type: 'order.status' });
    expect(verifiesWith(pair.publicKey, headers['webhook-signature'], headers['webhook-timestamp'])).toBe(true);
  });

  it('signs alone, with its timestamp, when the webhook has no secret', () => {
    const headers = buildHeaders({
      contentType: 'application/json',
      deliveryId: msgId,
      eventType: 'order.status',
      body,
      now: new Date(),
      signingKey: pair.privateKey,
    });
    expect(headers['webhook-signature']).toMatch(/^v1a,\S+$/);
    expect(verifiesWith(pair.publicKey, headers['webhook-signature'], headers['webhook-timestamp'])).toBe(true);
  });
});
