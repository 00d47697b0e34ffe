// How the API and the worker reach Temporal: its address, and, for a cluster that asks for them,
// TLS (with the cluster's own CA), a client certificate (mTLS) and an API key. One builder serves
// the client connection and the worker's native one, so both always present the same identity.
import { readFileSync } from 'node:fs';
import { ConfigError, type Config, type TemporalSecurity } from '../config';

export interface TemporalConnectionOptions {
  address: string;
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
  apiKey?: string;
}

/** Reads the configured files once; a file that cannot be read stops the process naming its variable. */
export function temporalConnectionOptions(config: Pick<Config, 'temporalAddress' | 'temporalSecurity'>): TemporalConnectionOptions {
  const security: TemporalSecurity = config.temporalSecurity;
  const options: TemporalConnectionOptions = { address: config.temporalAddress };
  if (!security.tls) return options;
  options.tls = {
    ...(security.serverName ? { serverNameOverride: security.serverName } : {}),
    ...(security.caFile ? { serverRootCACertificate: readSetting('TEMPORAL_TLS_CA_FILE', security.caFile) } : {}),
    ...(security.certFile && security.keyFile
      ? { clientCertPair: { crt: readSetting('TEMPORAL_TLS_CERT_FILE', security.certFile), key: readSetting('TEMPORAL_TLS_KEY_FILE', security.keyFile) } }
      : {}),
  };
  if (security.apiKey) options.apiKey = security.apiKey;
  return options;
}

function readSetting(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(variable, `names a file that cannot be read: ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}
