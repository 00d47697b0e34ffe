// docker-compose.yml cannot be started here (no Docker engine), so its contract with Herald is
// read instead: the environment it gives the API and the worker is a configuration Herald
// accepts, Herald's MongoDB user is the one the init script creates, and what has no
// authentication of its own is published on the host's loopback only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig, requireKeyring } from '../../src/config';

const root = join(__dirname, '..', '..');
const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  configs?: Array<{ source: string; target: string }>;
}
const compose = parse(text, { merge: true }) as { services: Record<string, Service>; configs: Record<string, { content: string }> };

/** What an operator sets before `docker compose up`: every `${NAME:?…}` the file asks for. */
const required = [...new Set([...text.matchAll(/\$\{([A-Z_]+):\?/g)].map((match) => match[1]))];
const operatorValues: Record<string, string> = {
  HERALD_ADMIN_KEY: 'an-admin-key-of-enough-length',
  HERALD_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  HERALD_MONGO_PASSWORD: 'a1b2c3d4e5f6a1b2c3d4e5f6',
  MONGO_ROOT_PASSWORD: 'f6e5d4c3b2a1f6e5d4c3b2a1',
};

/** A value as compose substitutes it: `${NAME:?message}` becomes the operator's value. */
const substitute = (value: string) =>
  value.replace(/\$\{([A-Z_]+):\?[^}]*\}/g, (_, name: string) => {
    if (!(name in operatorValues)) throw new Error(`the test has no value for ${name}`);
    return operatorValues[name];
  });
const environmentOf = (service: string) =>
  Object.fromEntries(Object.entries(compose.services[service].environment ?? {}).map(([name, value]) => [name, substitute(String(value))]));

describe('docker-compose.yml', () => {
  it('asks the operator for the admin key, the encryption key and both MongoDB passwords, and nothing else', () => {
    expect(required.sort()).toEqual(Object.keys(operatorValues).sort());
  });

  it.each(['api', 'worker'])('gives the %s a configuration Herald accepts, with its encryption key', (service) => {
    const config = loadConfig(environmentOf(service));
    expect(requireKeyring(config)).toBeDefined();
    expect(config.allowPrivateNetworks).toBe(false);
    expect(config.temporalAddress).toBe('temporal:7233');
  });

  it("logs Herald in as the MongoDB user the init script creates, with readWrite on Herald's database only", () => {
    const url = new URL(environmentOf('api').MONGODB_URL);
    expect(url.username).toBe('herald');
    expect(url.password).toBe(operatorValues.HERALD_MONGO_PASSWORD);
    expect(url.pathname).toBe('/herald');
    expect(url.searchParams.get('authSource')).toBe('herald');

    const mongodb = compose.services.mongodb;
    expect(environmentOf('mongodb')).toMatchObject({ MONGO_INITDB_ROOT_PASSWORD: operatorValues.MONGO_ROOT_PASSWORD, HERALD_MONGO_PASSWORD: url.password });
    const [init] = mongodb.configs ?? [];
    expect(init.target).toMatch(/^\/docker-entrypoint-initdb\.d\/.+\.js$/);
    const script = compose.configs[init.source].content;
    expect(script).toContain("getSiblingDB('herald')");
    expect(script).toContain("user: 'herald'");
    expect(script).toContain('pwd: process.env.HERALD_MONGO_PASSWORD');
    expect(script).toContain("roles: [{ role: 'readWrite', db: 'herald' }]");
  });

  it('publishes Temporal and its Web UI on the host loopback only; the API is the public door', () => {
    expect(compose.services.temporal.ports).toEqual(['127.0.0.1:7233:7233']);
    expect(compose.services['temporal-ui'].ports).toEqual(['127.0.0.1:8080:8080']);
    expect(compose.services.mongodb.ports).toBeUndefined();
    expect(compose.services.api.ports).toEqual(['3000:3000']);
  });

  it('runs a worker in the API (eager starts) and a scalable worker beside it', () => {
    const apiConfig = loadConfig(environmentOf('api'));
    expect(apiConfig.apiRunsWorker).toBe(true);
    expect(compose.services.api.command).toEqual(['node', 'dist/src/main/api.js']);
    expect(compose.services.worker.command).toEqual(['node', 'dist/src/main/worker.js']);
  });

  it("sets the engine's retention of closed workflows, 24 hours unless the operator chooses", () => {
    expect(environmentOf('temporal-setup').HERALD_TEMPORAL_RETENTION).toBe('${HERALD_TEMPORAL_RETENTION:-24h}');
    const script = (compose.services['temporal-setup'].command ?? []).join('\n');
    expect(script).toContain('temporal operator namespace update --namespace default --retention "$${HERALD_TEMPORAL_RETENTION:-24h}"');
  });
});
