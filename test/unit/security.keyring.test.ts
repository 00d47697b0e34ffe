import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, requireKeyring } from '../../src/config';
import { devEncryptionKey } from '../../scripts/dev/encryptionKey';
import { generateKeySpec, Keyring, KeyringError } from '../../src/security/keyring';
import { startServer } from '../../src/main/api';
import { createWorker } from '../../src/main/worker';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');

describe('Keyring.parse', () => {
  it('takes id:base64 pairs, the first one current, every one readable', () => {
    const keyring = Keyring.parse(`b:${KEY_B}, a:${KEY_A}`);
    expect(keyring.currentId).toBe('b');
    expect(keyring.ids).toEqual(['b', 'a']);
    expect(keyring.key('a')).toEqual(Buffer.alloc(32, 1));
    expect(keyring.currentKey).toEqual(Buffer.alloc(32, 2));
  });

  it('round-trips a generated key', () => {
    const keyring = Keyring.parse(generateKeySpec('k7'));
    expect(keyring.currentId).toBe('k7');
    expect(keyring.currentKey).toHaveLength(32);
  });

  it.each([
    ['no id', KEY_A, 'entry 1 must be id:base64-key'],
    ['an empty id', `:${KEY_A}`, 'entry 1 has an id'],
    ['an id with a space', `my key:${KEY_A}`, 'entry 1 has an id'],
    ['a short key', `a:${Buffer.alloc(16).toString('base64')}`, 'key "a" must be 32 bytes in base64'],
    ['a long key', `a:${Buffer.alloc(33).toString('base64')}`, 'key "a" must be 32 bytes in base64'],
    ['a key that is not base64', `a:${'!'.repeat(44)}`, 'key "a" must be 32 bytes in base64'],
    ['a repeated id', `a:${KEY_A},a:${KEY_B}`, 'key id "a" is listed twice'],
    ['an empty entry', `a:${KEY_A},`, 'entry 2 must be id:base64-key'],
  ])('refuses %s', (_, spec, message) => {
    expect(() => Keyring.parse(spec)).toThrow(KeyringError);
    expect(() => Keyring.parse(spec)).toThrow(message);
  });

  it('never repeats key material in an error', () => {
    const secretish = 'c2VjcmV0LWJ1dC10b28tc2hvcnQ=';
    expect(() => Keyring.parse(`a:${secretish}`)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(secretish) }));
  });

  it('names the missing id when asked for a key it does not hold', () => {
    expect(() => Keyring.parse(`a:${KEY_A}`).key('old')).toThrow('key id "old" is not in HERALD_ENCRYPTION_KEY');
  });

  it('shows no key bytes when serialised or logged', () => {
    const keyring = Keyring.parse(`a:${KEY_A}`);
    expect(JSON.stringify({ keyring })).toBe('{"keyring":{"currentId":"a","ids":["a"]}}');
    expect(JSON.stringify(loadConfig({ HERALD_ENCRYPTION_KEY: `a:${KEY_A}` }))).not.toContain(KEY_A);
  });
});

describe('HERALD_ENCRYPTION_KEY in the configuration', () => {
  it('is optional to load and required to run', () => {
    const config = loadConfig({});
    expect(config.encryptionKeys).toBeUndefined();
    expect(() => requireKeyring(config)).toThrow(ConfigError);
    expect(() => requireKeyring(config)).toThrow('HERALD_ENCRYPTION_KEY is required');
  });

  it('a bad value stops start-up naming the variable', () => {
    const attempt = () => loadConfig({ HERALD_ENCRYPTION_KEY: 'k1:short' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow('Invalid configuration: HERALD_ENCRYPTION_KEY key "k1" must be 32 bytes');
  });

  it('the API and the worker refuse to start without it, before connecting to anything', async () => {
    // Nothing listens on these: a start that got past the key check would fail differently.
    const config = loadConfig({ MONGODB_URL: 'mongodb://127.0.0.1:1/none', TEMPORAL_ADDRESS: '127.0.0.1:1' });
    await expect(startServer(config)).rejects.toThrow('HERALD_ENCRYPTION_KEY is required');
    await expect(createWorker(config)).rejects.toThrow('HERALD_ENCRYPTION_KEY is required');
  });

  it('parses a good value once', () => {
    expect(requireKeyring(loadConfig({ HERALD_ENCRYPTION_KEY: `new:${KEY_B},old:${KEY_A}` })).currentId).toBe('new');
  });
});

describe('the dev key of `npm run dev`', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'herald-devkey-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is generated once into the data directory, readable by its owner only, and reused', () => {
    const first = devEncryptionKey(dir);
    expect(Keyring.parse(first).currentId).toBe('dev');
    const file = path.join(dir, 'encryption-key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(devEncryptionKey(dir)).toBe(first);
  });
});
