import { ConfigError, loadConfig } from '../../src/config';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');

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
      allowedTargets: [],
      maxBodyBytes: 1048576,
      logLevel: 'info',
      workerMetricsPort: 9464,
      workerCachedWorkflows: 250,
      workerWorkflowTaskSlots: 200,
      apiRunsWorker: true,
      maxInFlightPerWebhook: 10,
      reconcileIntervalSeconds: 60,
      reconcileGraceSeconds: 60,
      retentionIntervalSeconds: 3600,
      retentionDays: 30,
      portalFrameAncestors: [],
    });
    expect(config.adminKey).toBeUndefined();
    expect('publicUrl' in config).toBe(false);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'herald',
      TEMPORAL_TASK_QUEUE: 'q',
      TEMPORAL_TLS_CA_FILE: '/etc/herald/ca.pem',
      TEMPORAL_TLS_CERT_FILE: '/etc/herald/worker.pem',
      TEMPORAL_TLS_KEY_FILE: '/etc/herald/worker.key',
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      TEMPORAL_API_KEY: 'temporal-api-key',
      MONGODB_URL: 'mongodb://mongodb:27017/herald',
      HERALD_ADMIN_KEY: 'a-long-enough-admin-key',
      HERALD_ENCRYPTION_KEY: `k2:${KEY_B},k1:${KEY_A}`,
      HERALD_ALLOW_PRIVATE_NETWORKS: 'true',
      HERALD_ALLOWED_TARGETS: '10.0.0.5:8080, [FD00:0::1]:80',
      HERALD_MAX_BODY_BYTES: '4096',
      LOG_LEVEL: 'debug',
      HERALD_RATE_LIMIT_PER_MINUTE: '100',
      HERALD_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '300',
      HERALD_TRUSTED_PROXY_HOPS: '1',
      HERALD_REQUEST_TIMEOUT_MS: '10000',
      HERALD_CONNECTION_TIMEOUT_MS: '60000',
      HERALD_KEEP_ALIVE_TIMEOUT_MS: '5000',
      HERALD_DEPENDENCY_CHECK_MS: '0',
      HERALD_WORKER_METRICS_PORT: '0',
      HERALD_WORKER_CACHED_WORKFLOWS: '1000',
      HERALD_WORKER_WORKFLOW_TASK_SLOTS: '300',
      HERALD_API_WORKER: 'false',
      HERALD_MAX_IN_FLIGHT_PER_WEBHOOK: '4',
      HERALD_RECONCILE_INTERVAL_SECONDS: '5',
      HERALD_RECONCILE_GRACE_SECONDS: '10',
      HERALD_RETENTION_INTERVAL_SECONDS: '600',
      HERALD_RETENTION_DAYS: '7',
      HERALD_PUBLIC_URL: 'https://hooks.example.com',
      HERALD_PORTAL_FRAME_ANCESTORS: 'https://app.example.com https://*.example.org',
    });
    const { encryptionKeys, ...rest } = config;
    expect(encryptionKeys?.currentId).toBe('k2');
    expect(rest).toEqual({
      port: 8080,
      host: '0.0.0.0',
      temporalAddress: 'temporal:7233',
      temporalNamespace: 'herald',
      taskQueue: 'q',
      temporalSecurity: {
        tls: true,
        caFile: '/etc/herald/ca.pem',
        certFile: '/etc/herald/worker.pem',
        keyFile: '/etc/herald/worker.key',
        serverName: 'temporal.internal',
        apiKey: 'temporal-api-key',
      },
      mongodbUrl: 'mongodb://mongodb:27017/herald',
      adminKey: 'a-long-enough-admin-key',
      allowPrivateNetworks: true,
      allowedTargets: ['10.0.0.5:8080', '[fd00::1]:80'],
      maxBodyBytes: 4096,
      logLevel: 'debug',
      rateLimitPerMinute: 100,
      rateLimitPerAddressPerMinute: 300,
      trustedProxyHops: 1,
      requestTimeoutMs: 10_000,
      connectionTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5000,
      dependencyCheckIntervalMs: 0,
      workerMetricsPort: 0,
      workerCachedWorkflows: 1000,
      workerWorkflowTaskSlots: 300,
      apiRunsWorker: false,
      maxInFlightPerWebhook: 4,
      reconcileIntervalSeconds: 5,
      reconcileGraceSeconds: 10,
      retentionIntervalSeconds: 600,
      retentionDays: 7,
      publicUrl: 'https://hooks.example.com',
      portalFrameAncestors: ['https://app.example.com', 'https://*.example.org'],
    });
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer/],
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['TEMPORAL_ADDRESS', 'no-port', /TEMPORAL_ADDRESS must be host:port/],
    ['MONGODB_URL', 'postgres://x', /MONGODB_URL must be a mongodb:\/\/ URL/],
    ['HERALD_ALLOW_PRIVATE_NETWORKS', 'maybe', /HERALD_ALLOW_PRIVATE_NETWORKS must be true or false/],
    ['HERALD_ALLOWED_TARGETS', 'hooks.internal:443', /HERALD_ALLOWED_TARGETS must be a comma-separated list of ip:port pairs/],
    ['HERALD_ALLOWED_TARGETS', '10.0.0.5', /HERALD_ALLOWED_TARGETS must be a comma-separated list of ip:port pairs/],
    ['HERALD_ALLOWED_TARGETS', '10.0.0.500:80', /HERALD_ALLOWED_TARGETS must be a comma-separated list of ip:port pairs/],
    ['HERALD_ALLOWED_TARGETS', '10.0.0.5:0', /HERALD_ALLOWED_TARGETS must be a comma-separated list of ip:port pairs/],
    ['HERALD_MAX_BODY_BYTES', '10', /HERALD_MAX_BODY_BYTES must be between/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['HERALD_ADMIN_KEY', 'short', /HERALD_ADMIN_KEY must be at least 16 characters/],
    ['HERALD_WORKER_CACHED_WORKFLOWS', '1', /HERALD_WORKER_CACHED_WORKFLOWS must be between 2 and 100000/],
    ['HERALD_WORKER_WORKFLOW_TASK_SLOTS', '251', /HERALD_WORKER_WORKFLOW_TASK_SLOTS must be at most HERALD_WORKER_CACHED_WORKFLOWS \(250\), got 251/],
    ['HERALD_API_WORKER', 'sometimes', /HERALD_API_WORKER must be true or false/],
    ['HERALD_MAX_IN_FLIGHT_PER_WEBHOOK', '0', /HERALD_MAX_IN_FLIGHT_PER_WEBHOOK must be between 1 and 10000/],
    ['HERALD_RETENTION_DAYS', 'forever', /HERALD_RETENTION_DAYS must be an integer/],
    ['TEMPORAL_TLS', 'sometimes', /TEMPORAL_TLS must be true or false/],
    ['HERALD_PUBLIC_URL', 'herald.example.com', /HERALD_PUBLIC_URL must be an absolute http\(s\) URL without a trailing slash/],
    ['HERALD_PUBLIC_URL', 'http://localhost:8080/', /HERALD_PUBLIC_URL must be an absolute http\(s\) URL without a trailing slash/],
    ['HERALD_PUBLIC_URL', 'ftp://herald.example.com', /HERALD_PUBLIC_URL must be an absolute http\(s\) URL/],
    ['HERALD_PUBLIC_URL', 'https://user:pw@herald.example.com', /HERALD_PUBLIC_URL must be an absolute http\(s\) URL/],
    ['HERALD_PUBLIC_URL', 'https://herald.example.com?x=1', /HERALD_PUBLIC_URL must be an absolute http\(s\) URL/],
    ['HERALD_PUBLIC_URL', 'https://herald.example.com#top', /HERALD_PUBLIC_URL must be an absolute http\(s\) URL/],
    ['HERALD_PUBLIC_URL', 'http:localhost', /HERALD_PUBLIC_URL must be an absolute http\(s\) URL/],
    ['TEMPORAL_TLS_CERT_FILE', '/etc/herald/worker.pem', /TEMPORAL_TLS_KEY_FILE must be set with the other half of the client certificate pair/],
    ['TEMPORAL_TLS_KEY_FILE', '/etc/herald/worker.key', /TEMPORAL_TLS_CERT_FILE must be set with the other half of the client certificate pair/],
    ['HERALD_PUBLIC_URL', 'hooks.example.com', /HERALD_PUBLIC_URL must be an absolute http\(s\) URL/],
    ['HERALD_PUBLIC_URL', 'ftp://hooks.example.com', /HERALD_PUBLIC_URL must be an absolute http\(s\) URL/],
    ['HERALD_PUBLIC_URL', 'https://hooks.example.com/', /HERALD_PUBLIC_URL must be an absolute http\(s\) URL without a trailing slash/],
    ['HERALD_PUBLIC_URL', 'https://hooks.example.com?x=1', /HERALD_PUBLIC_URL must be/],
    ['HERALD_PUBLIC_URL', 'https://hooks.example.com#top', /HERALD_PUBLIC_URL must be/],
    ['HERALD_PUBLIC_URL', 'https://user:pw@hooks.example.com', /HERALD_PUBLIC_URL must be/],
    ['HERALD_PORTAL_FRAME_ANCESTORS', "'none'", /HERALD_PORTAL_FRAME_ANCESTORS must be space-separated origins/],
    ['HERALD_PORTAL_FRAME_ANCESTORS', '*', /HERALD_PORTAL_FRAME_ANCESTORS must be space-separated origins/],
    ['HERALD_PORTAL_FRAME_ANCESTORS', 'https://app.example.com/path', /HERALD_PORTAL_FRAME_ANCESTORS must be space-separated origins/],
    ['HERALD_PORTAL_FRAME_ANCESTORS', 'https://a.example.com;script-src', /HERALD_PORTAL_FRAME_ANCESTORS must be space-separated origins/],
    ['HERALD_PORTAL_FRAME_ANCESTORS', 'https://a.example.com,https://b.example.com', /HERALD_PORTAL_FRAME_ANCESTORS must be space-separated origins/],
    ['HERALD_PORTAL_FRAME_ANCESTORS', 'app.example.com', /HERALD_PORTAL_FRAME_ANCESTORS must be space-separated origins/],
  ])('refuses %s=%s with a message naming the variable', (variable, value, message) => {
    const attempt = () => loadConfig({ [variable]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('keeps the workflow task slots within the cache: a smaller cache lowers the default slots with it', () => {
    expect(loadConfig({ HERALD_WORKER_CACHED_WORKFLOWS: '50' }).workerWorkflowTaskSlots).toBe(50);
    expect(loadConfig({ HERALD_WORKER_CACHED_WORKFLOWS: '500' }).workerWorkflowTaskSlots).toBe(200);
  });

  it('connects to Temporal without TLS by default, and with TLS once asked or once a TLS setting is given', () => {
    expect(loadConfig({}).temporalSecurity).toEqual({ tls: false });
    expect(loadConfig({ TEMPORAL_TLS: 'true' }).temporalSecurity).toEqual({ tls: true });
    expect(loadConfig({ TEMPORAL_TLS_CA_FILE: '/ca.pem' }).temporalSecurity).toEqual({ tls: true, caFile: '/ca.pem' });
    expect(loadConfig({ TEMPORAL_API_KEY: 'k' }).temporalSecurity).toEqual({ tls: true, apiKey: 'k' });
  });

  it('hands out no links without HERALD_PUBLIC_URL, and keeps a path prefix it is given', () => {
    expect(loadConfig({})).not.toHaveProperty('publicUrl');
    expect(loadConfig({ HERALD_PUBLIC_URL: '' })).not.toHaveProperty('publicUrl');
    expect(loadConfig({ HERALD_PUBLIC_URL: 'http://localhost:8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ HERALD_PUBLIC_URL: 'https://example.com/herald' }).publicUrl).toBe('https://example.com/herald');
    expect(loadConfig({ HERALD_PUBLIC_URL: 'https://Example.COM/herald' }).publicUrl).toBe('https://example.com/herald');
  });

  it('never sends the Temporal API key without TLS', () => {
    const attempt = () => loadConfig({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/TEMPORAL_TLS cannot be false while/);
  });
});
