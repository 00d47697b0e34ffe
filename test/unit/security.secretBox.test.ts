import { Keyring } from '../../src/security/keyring';
import { SecretBox, SecretBoxError, secretOwner, type Sealed } from '../../src/security/secretBox';

const KEY_A = `a:${Buffer.alloc(32, 1).toString('base64')}`;
const KEY_B = `b:${Buffer.alloc(32, 2).toString('base64')}`;
const box = (spec: string) => new SecretBox(Keyring.parse(spec));
const OWNER = secretOwner('webhook', 'wh_1', 'secret');

describe('SecretBox', () => {
  it('seals under the current key and opens to the same text', () => {
    const sealed = box(KEY_A).seal('whsec_c2VjcmV0', OWNER);
    expect(sealed.keyId).toBe('a');
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    expect(JSON.stringify(sealed)).not.toContain('whsec_c2VjcmV0');
    expect(box(KEY_A).open(sealed, OWNER)).toBe('whsec_c2VjcmV0');
  });

  it('uses a fresh IV every time, so equal secrets do not look equal', () => {
    const one = box(KEY_A).seal('same', OWNER);
    const two = box(KEY_A).seal('same', OWNER);
    expect(one.iv).not.toBe(two.iv);
    expect(one.data).not.toBe(two.data);
  });

  it('does not open with another key of the same id', () => {
    const sealed = box(KEY_A).seal('text', OWNER);
    expect(() => box(`a:${Buffer.alloc(32, 9).toString('base64')}`).open(sealed, OWNER)).toThrow(SecretBoxError);
  });

  it('does not open once its key is dropped from the list, and says which key', () => {
    const sealed = box(KEY_A).seal('text', OWNER);
    expect(() => box(KEY_B).open(sealed, OWNER)).toThrow('cannot decrypt webhook:wh_1:secret: key id "a" is not in HERALD_ENCRYPTION_KEY');
  });

  it.each<[string, (sealed: Sealed) => Sealed]>([
    ['ciphertext', (s) => ({ ...s, data: flipFirstByte(s.data) })],
    ['tag', (s) => ({ ...s, tag: flipFirstByte(s.tag) })],
    ['IV', (s) => ({ ...s, iv: flipFirstByte(s.iv) })],
    ['truncated tag', (s) => ({ ...s, tag: Buffer.from(s.tag, 'base64').subarray(0, 8).toString('base64') })],
  ])('refuses a tampered %s', (_, tamper) => {
    const sealed = box(KEY_A).seal('text', OWNER);
    expect(() => box(KEY_A).open(tamper(sealed), OWNER)).toThrow(SecretBoxError);
  });

  it('refuses a ciphertext moved to another record or field', () => {
    const sealed = box(KEY_A).seal('text', OWNER);
    expect(() => box(KEY_A).open(sealed, secretOwner('webhook', 'wh_2', 'secret'))).toThrow('belongs to another record');
    expect(() => box(KEY_A).open(sealed, secretOwner('webhook', 'wh_1', 'auth.password'))).toThrow(SecretBoxError);
  });

  it('after a rotation opens both keys, seals under the new one, and re-seals only the old', () => {
    const old = box(KEY_A).seal('text', OWNER);
    const rotated = box(`${KEY_B},${KEY_A}`);
    expect(rotated.open(old, OWNER)).toBe('text');
    expect(rotated.needsReseal(old)).toBe(true);
    const resealed = rotated.reseal(old, OWNER);
    expect(resealed.keyId).toBe('b');
    expect(rotated.needsReseal(resealed)).toBe(false);
    expect(rotated.reseal(resealed, OWNER)).toBe(resealed);
    expect(box(KEY_B).open(resealed, OWNER)).toBe('text');
  });

  it('reads a plain value written before encryption, and seals it on re-seal', () => {
    const legacy = 'whsec_cGxhaW4=';
    expect(box(KEY_A).open(legacy, OWNER)).toBe(legacy);
    expect(box(KEY_A).needsReseal(legacy)).toBe(true);
    const sealed = box(KEY_A).reseal(legacy, OWNER);
    expect(box(KEY_A).open(sealed, OWNER)).toBe(legacy);
  });
});

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] ^= 0xff;
  return bytes.toString('base64');
}
