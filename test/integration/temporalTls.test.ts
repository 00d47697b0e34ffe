// The worker and the API reach a Temporal cluster that asks for TLS, a client certificate (mTLS)
// and an API key: everything a delivery needs (the event workflow's start, the worker's polls,
// the Schedules) goes through such a cluster, and a client missing any of the three is refused.
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig, type Config } from '../../src/config';
import { connectTemporal } from '../../src/temporal/client';
import { temporalConnectionOptions } from '../../src/temporal/connection';
import { makeTestCertificates, type TestCertificates } from '../support/certificates';
import { startReceiver, type Receiver } from '../support/receiver';
import { testServices } from '../support/services';
import type { Herald } from '../support/client';
import { startHerald, type HeraldStack } from '../support/stack';
import { startTlsProxy, type TlsProxy } from '../support/temporalTlsProxy';

const SERVER_NAME = 'temporal.herald.test';
const API_KEY = 'test-temporal-api-key';

let certs: TestCertificates;
let proxy: TlsProxy;

beforeAll(async () => {
  certs = makeTestCertificates(SERVER_NAME);
  proxy = await startTlsProxy({
    target: testServices().temporalAddress,
    certFile: certs.serverCertFile,
    keyFile: certs.serverKeyFile,
    clientCaFile: certs.caFile,
    apiKey: API_KEY,
  });
});
afterAll(async () => {
  await proxy?.close();
  certs?.remove();
});

/** The configuration a deployment would write, pointed at the proxy. */
function securedConfig(overrides: Record<string, string> = {}): Pick<Config, 'temporalAddress' | 'temporalSecurity' | 'temporalNamespace' | 'taskQueue'> {
  return loadConfig({
    TEMPORAL_ADDRESS: proxy.address,
    TEMPORAL_TLS_CA_FILE: certs.caFile,
    TEMPORAL_TLS_CERT_FILE: certs.clientCertFile,
    TEMPORAL_TLS_KEY_FILE: certs.clientKeyFile,
    TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
    TEMPORAL_API_KEY: API_KEY,
    ...overrides,
  });
}

describe('a Temporal cluster that requires TLS, a client certificate and an API key', () => {
  let stack: HeraldStack;
  let herald: Herald;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    const secured = securedConfig();
    stack = await startHerald({ temporalAddress: secured.temporalAddress, temporalSecurity: secured.temporalSecurity });
    herald = stack.herald;
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('carries a delivery end to end: ingest, the worker, the receipt', async () => {
    const passedBefore = proxy.passed;
    const ws = await herald.workspace(['order.created']);
    await herald.webhooks.add(ws, { url: receiver.url, events: ['order.created'] });
    const { deliveries } = await herald.events.send(ws, { id: 'evt-tls-1', type: 'order.created', data: { n: 1 } });
    const delivery = await herald.deliveries.waitFor(ws, deliveries[0].id, ['succeeded']);
    expect(delivery.attempts).toHaveLength(1);
    expect(receiver.requests).toHaveLength(1);
    // Every Temporal call went through the proxy, with the worker's certificate.
    expect(proxy.passed).toBeGreaterThan(passedBefore);
    expect(proxy.clientNames).toEqual(new Set(['herald-worker']));
  });

  it('the worker created its Schedules through the secured connection', async () => {
    const ids: string[] = [];
    for await (const schedule of stack.temporal.client.schedule.list()) ids.push(schedule.scheduleId);
    expect(ids).toEqual(expect.arrayContaining([`herald-reconciler/${stack.config.taskQueue}`, `herald-retention/${stack.config.taskQueue}`]));
  });
});

describe('a client missing part of its identity is refused', () => {
  /** A call that needs the server: the namespace list. */
  async function reachable(config: ReturnType<typeof securedConfig>): Promise<void> {
    const temporal = await connectTemporal(config);
    try {
      await temporal.client.workflowService.listNamespaces({});
    } finally {
      await temporal.close();
    }
  }

  it('answers with the full identity', async () => {
    await expect(reachable(securedConfig())).resolves.toBeUndefined();
  });

  it('refuses a wrong API key', async () => {
    const refusedBefore = proxy.refused;
    await expect(reachable(securedConfig({ TEMPORAL_API_KEY: 'not-the-key' }))).rejects.toThrow();
    expect(proxy.refused).toBeGreaterThan(refusedBefore);
  });

  it('refuses a client without a certificate, at the handshake', async () => {
    const config = securedConfig({ TEMPORAL_TLS_CERT_FILE: '', TEMPORAL_TLS_KEY_FILE: '' });
    expect(config.temporalSecurity.certFile).toBeUndefined();
    await expect(reachable(config)).rejects.toThrow();
  });

  it('refuses a client that does not trust the cluster CA', async () => {
    await expect(reachable(securedConfig({ TEMPORAL_TLS_CA_FILE: '' }))).rejects.toThrow();
  });

  it('the worker connection refuses the same way as the client', async () => {
    const withoutCert = temporalConnectionOptions(securedConfig({ TEMPORAL_TLS_CERT_FILE: '', TEMPORAL_TLS_KEY_FILE: '' }));
    await expect(NativeConnection.connect(withoutCert)).rejects.toThrow();
    const good = await NativeConnection.connect(temporalConnectionOptions(securedConfig()));
    await good.close();
  });

  it('a plaintext client does not get through', async () => {
    const connection = await Connection.connect({ address: proxy.address, connectTimeout: 2_000 }).catch((error: unknown) => error);
    if (connection instanceof Connection) {
      await expect(connection.workflowService.listNamespaces({})).rejects.toThrow();
      await connection.close();
    } else {
      expect(connection).toBeInstanceOf(Error);
    }
  });
});
