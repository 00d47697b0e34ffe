// The Temporal connection options that the API and the worker share, built from the settings.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { temporalConnectionOptions } from '../../src/temporal/connection';

const dir = mkdtempSync(join(tmpdir(), 'herald-tls-settings-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('temporalConnectionOptions', () => {
  it('is the address alone without TLS', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }))).toEqual({ address: 'temporal:7233' });
  });

  it('is TLS with the system roots when only TEMPORAL_TLS is set', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_TLS: 'true' }))).toEqual({ address: '127.0.0.1:7233', tls: {} });
  });

  it('reads the CA, the client pair, the server name and the API key', () => {
    const config = loadConfig({
      TEMPORAL_TLS_CA_FILE: file('ca.pem', 'CA'),
      TEMPORAL_TLS_CERT_FILE: file('crt.pem', 'CRT'),
      TEMPORAL_TLS_KEY_FILE: file('key.pem', 'KEY'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      TEMPORAL_API_KEY: 'api-key',
    });
    const options = temporalConnectionOptions(config);
    expect(options.apiKey).toBe('api-key');
    expect(options.tls?.serverNameOverride).toBe('temporal.internal');
    expect(options.tls?.serverRootCACertificate?.toString()).toBe('CA');
    expect(options.tls?.clientCertPair?.crt.toString()).toBe('CRT');
    expect(options.tls?.clientCertPair?.key.toString()).toBe('KEY');
  });

  it('names the variable of a file it cannot read', () => {
    const config = loadConfig({ TEMPORAL_TLS_CERT_FILE: file('crt2.pem', 'CRT'), TEMPORAL_TLS_KEY_FILE: join(dir, 'missing.key') });
    expect(() => temporalConnectionOptions(config)).toThrow(ConfigError);
    expect(() => temporalConnectionOptions(config)).toThrow(/TEMPORAL_TLS_KEY_FILE names a file that cannot be read: .*missing\.key \(ENOENT\)/);
  });
});
