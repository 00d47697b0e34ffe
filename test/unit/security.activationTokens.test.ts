import { createHmac, hkdfSync } from 'node:crypto';
import { ActivationTokens, MAX_TOKEN_LENGTH, type ActivationClaims } from '../../src/security/activationTokens';
import { Keyring } from '../../src/security/keyring';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');
const NOW = Date.parse('2026-12-03T18:00:00.000Z');
const CLAIMS: ActivationClaims = {
  workspaceId: 'ws_0001',
  webhookId: 'wh_0001',
  notificationId: 'ntf_0001',
  deactivatedAtMs: NOW - 60_000,
  expiresAtMs: NOW + 5 * 24 * 3600_000,
};

const tokensOf = (spec: string) => new ActivationTokens(Keyring.parse(spec));
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as Record<string, unknown>;
/** A token whose payload is `wire`, with the signature of `token` (as an attacker would splice them). */
const withPayload = (token: string, wire: Record<string, unknown>) => `${Buffer.from(JSON.stringify(wire)).toString('base64url')}.${token.split('.')[1]}`;

describe('activation tokens', () => {
  const tokens = tokensOf(`a:${KEY_A}`);

  it('verify what they signed, with every claim bound', () => {
    const token = tokens.sign(CLAIMS);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(tokens.verify(token, NOW)).toEqual({ ok: true, claims: CLAIMS });
  });

  it('sign with a key derived by HKDF from the encryption key, never the encryption key itself', () => {
    const token = tokens.sign(CLAIMS);
    const [payload, signature] = token.split('.');
    const derived = Buffer.from(hkdfSync('sha256', Buffer.alloc(32, 1), Buffer.alloc(0), 'herald/activation-link/v1', 32));
    expect(createHmac('sha256', derived).update(payload).digest('base64url')).toBe(signature);
    expect(createHmac('sha256', Buffer.alloc(32, 1)).update(payload).digest('base64url')).not.toBe(signature);
  });

  it('expire at the end of the buffer window, not a millisecond later', () => {
    const token = tokens.sign(CLAIMS);
    expect(tokens.verify(token, CLAIMS.expiresAtMs - 1).ok).toBe(true);
    expect(tokens.verify(token, CLAIMS.expiresAtMs)).toEqual({ ok: false, problem: 'expired' });
  });

  it.each([
    ['workspace', { w: 'ws_0002' }],
    ['webhook', { h: 'wh_0002' }],
    ['notification', { n: 'ntf_0002' }],
    ['deactivation time', { d: CLAIMS.deactivatedAtMs + 1 }],
    ['expiry, pushed later', { e: CLAIMS.expiresAtMs + 86_400_000 }],
    ['key id', { k: 'b' }],
  ])('refuse a token whose %s was changed', (_what, change) => {
    const token = tokens.sign(CLAIMS);
    expect(tokens.verify(withPayload(token, { ...payloadOf(token), ...change }), NOW)).toEqual({ ok: false, problem: 'invalid' });
  });

  it('refuse an altered signature, a token cut short, and what is not a token', () => {
    const token = tokens.sign(CLAIMS);
    const [payload, signature] = token.split('.');
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    for (const bad of [
      `${payload}.${flipped}`,
      `${payload}.${signature.slice(0, -1)}`,
      payload,
      `${payload}.`,
      `.${signature}`,
      `${token}.extra`,
      '',
      'not a token',
      `${Buffer.from('{"v":1').toString('base64url')}.${signature}`,
      `${Buffer.from('null').toString('base64url')}.${signature}`,
      'x'.repeat(MAX_TOKEN_LENGTH + 1),
    ]) {
      expect({ bad, check: tokens.verify(bad, NOW) }).toEqual({ bad, check: { ok: false, problem: 'invalid' } });
    }
  });

  it('accept only the one spelling of a signature (base64 ignores stray trailing bits)', () => {
    const token = tokens.sign(CLAIMS);
    const [payload, signature] = token.split('.');
    const last = signature[signature.length - 1];
    // 43 characters hold 258 bits for a 256-bit MAC: the last character's two low bits are not read.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1];
    expect(Buffer.from(`${signature.slice(0, -1)}${sibling}`, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(tokens.verify(`${payload}.${signature.slice(0, -1)}${sibling}`, NOW)).toEqual({ ok: false, problem: 'invalid' });
  });

  it('are refused by another deployment: a token signed under another encryption key does not verify', () => {
    const foreign = tokensOf(`a:${KEY_B}`).sign(CLAIMS);
    expect(tokens.verify(foreign, NOW)).toEqual({ ok: false, problem: 'invalid' });
  });

  it('follow the encryption key through a rotation, and end with the key that signed them', () => {
    const before = tokensOf(`a:${KEY_A}`).sign(CLAIMS);
    const rotated = tokensOf(`b:${KEY_B},a:${KEY_A}`);
    expect(rotated.verify(before, NOW).ok).toBe(true);
    const after = rotated.sign(CLAIMS);
    expect(payloadOf(after).k).toBe('b');
    expect(rotated.verify(after, NOW).ok).toBe(true);
    expect(tokensOf(`b:${KEY_B}`).verify(before, NOW)).toEqual({ ok: false, problem: 'invalid' });
  });

  it('are unguessable: one per deactivation, each signed in full', () => {
    const one = tokens.sign(CLAIMS);
    const other = tokens.sign({ ...CLAIMS, notificationId: 'ntf_0002' });
    expect(one.split('.')[1]).not.toBe(other.split('.')[1]);
    expect(Buffer.from(one.split('.')[1], 'base64url')).toHaveLength(32);
  });
});
