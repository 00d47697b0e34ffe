import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('has safe defaults for the embedded setup', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      temporalAddress: '127.0.0.1:7233',
      temporalNamespace: 'default',
      taskQueue: 'herald-deliveries',
      mongodbUrl: 'mongodb://127.0.0.1:27017/herald',
      allowPrivateNetworks: false,
      maxBodyBytes: 1048576,
      logLevel: 'info',
      workerMetricsPort: 9464,
      workerCachedWorkflows: 250,
      maxInFlightPerWebhook: 10,
      reconcileIntervalSeconds: 60,
      reconcileGraceSeconds: 60,
      retentionIntervalSeconds: 3600,
      retentionDays: 30,
    });
    expect(config.adminKey).toBeUndefined();
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'herald',
      TEMPORAL_TASK_QUEUE: 'q',
      MONGODB_URL: 'mongodb://mongodb:27017/herald',
      HERALD_ADMIN_KEY: 'a-long-enough-admin-key',
      HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
      HERALD_MAX_BODY_BYTES: '4096',
      LOG_LEVEL: 'debug',
      HERALD_RATE_LIMIT_PER_MINUTE: '100',
      HERALD_WORKER_METRICS_PORT: '0',
      HERALD_WORKER_CACHED_WORKFLOWS: '1000',
      HERALD_MAX_IN_FLIGHT_PER_WEBHOOK: '4',
      HERALD_RECONCILE_INTERVAL_SECONDS: '5',
      HERALD_RECONCILE_GRACE_SECONDS: '10',
      HERALD_RETENTION_INTERVAL_SECONDS: '600',
      HERALD_RETENTION_DAYS: '7',
    });
    expect(config).toEqual({
      port: 8080,
      host: '0.0.0.0',
      temporalAddress: 'temporal:7233',
      temporalNamespace: 'herald',
      taskQueue: 'q',
      mongodbUrl: 'mongodb://mongodb:27017/herald',
      adminKey: 'a-long-enough-admin-key',
      allowPrivateNetworks: true,
      maxBodyBytes: 4096,
      logLevel: 'debug',
      rateLimitPerMinute: 100,
      workerMetricsPort: 0,
      workerCachedWorkflows: 1000,
      maxInFlightPerWebhook: 4,
      reconcileIntervalSeconds: 5,
      reconcileGraceSeconds: 10,
      retentionIntervalSeconds: 600,
      retentionDays: 7,
    });
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer/],
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['TEMPORAL_ADDRESS', 'no-port', /TEMPORAL_ADDRESS must be host:port/],
    ['MONGODB_URL', 'postgres://x', /MONGODB_URL must be a mongodb:\/\/ URL/],
    ['HERALD_ALLOW_PRIVATE_NETWORKS', 'maybe', /HERALD_ALLOW_PRIVATE_NETWORKS must be true or false/],
    ['HERALD_MAX_BODY_BYTES', '10', /HERALD_MAX_BODY_BYTES must be between/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['HERALD_ADMIN_KEY', 'short', /HERALD_ADMIN_KEY must be at least 16 characters/],
    ['HERALD_WORKER_CACHED_WORKFLOWS', '1', /HERALD_WORKER_CACHED_WORKFLOWS must be between 2 and 100000/],
    ['HERALD_MAX_IN_FLIGHT_PER_WEBHOOK', '0', /HERALD_MAX_IN_FLIGHT_PER_WEBHOOK must be between 1 and 10000/],
    ['HERALD_RETENTION_DAYS', 'forever', /HERALD_RETENTION_DAYS must be an integer/],
  ])('refuses %s=%s with a message naming the variable', (variable, value, message) => {
    const attempt = () => loadConfig({ [variable]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });
});
