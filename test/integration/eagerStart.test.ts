// The API process with its own worker (the default): its Temporal client shares the worker's
// connection, so an event workflow's first task comes back with the start and runs in the same
// process. A start that cannot be eager (the process's worker is stopping, or has no free slot) is
// an ordinary start, which any worker on the task queue takes: it is delivered all the same.
import net, { type AddressInfo } from 'node:net';
import { NativeConnection } from '@temporalio/worker';
import { startServer } from '../../src/main/api';
import { createWorker, type HeraldWorker } from '../../src/main/worker';
import { clientOnWorkerConnection } from '../../src/temporal/client';
import { removeSchedules } from '../../src/temporal/schedules';
import { heraldClient, overHttp } from '../support/client';
import { eventually } from '../support/eventually';
import { quietRuntime } from '../support/quietRuntime';
import { startReceiver, type Receiver } from '../support/receiver';
import { serveApi, testConfig } from '../support/stack';

let receiver: Receiver;

beforeAll(async () => {
  quietRuntime();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

/** The API's counter of event workflow starts, by how they started. */
async function starts(baseUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^herald_event_workflow_starts_total\{start="(\w+)"\} (\d+)$/gm)) counts[match[1]] = Number(match[2]);
  return counts;
}

describe('the API process runs a worker and starts event workflows eagerly', () => {
  it('delivers events whose workflows all started eagerly, and stops its worker when it closes', async () => {
    const config = testConfig();
    expect(config.apiRunsWorker).toBe(true); // the default
    const { app, temporal, workerStopped } = await startServer(config);
    const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const herald = heraldClient(overHttp(baseUrl));
    try {
      const ws = await herald.workspace(['order.paid']);
      await herald.webhooks.add(ws, { url: `${receiver.url}/eager`, events: ['order.paid'] });
      receiver.script([], { status: 200 });
      for (let i = 0; i < 5; i++) expect((await herald.events.post(ws, { id: `evt-eager-${i}`, type: 'order.paid', data: { i } })).status).toBe(202);
      await eventually(() => receiver.requests.filter((request) => request.path.endsWith('/eager')).length === 5);
      // Sent one at a time, every start finds a free slot in the process's worker.
      expect(await starts(baseUrl)).toEqual({ eager: 5 });
      // The worker's own figures are served at the API's /metrics too.
      expect(await (await fetch(`${baseUrl}/metrics`)).text()).toMatch(/^herald_attempts_total\{outcome="succeeded"\} 5$/m);
    } finally {
      await removeSchedules(temporal.client, config.taskQueue);
      await app.close();
    }
    await expect(workerStopped).resolves.toBeUndefined();
  });

  it('delivers through the task queue when the process’s worker cannot take the start', async () => {
    const config = testConfig();
    // The API's worker, whose connection its client shares, and another worker on the same task queue.
    const own: HeraldWorker = await createWorker(config);
    const other: HeraldWorker = await createWorker(config);
    const ownRunning = own.worker.run();
    const otherRunning = other.worker.run();
    const temporal = clientOnWorkerConnection(own.connection, config);
    const api = await serveApi(config, temporal);
    try {
      const ws = await api.herald.workspace(['order.paid']);
      await api.herald.webhooks.add(ws, { url: `${receiver.url}/fallback`, events: ['order.paid'] });
      receiver.script([], { status: 200 });
      // A stopping worker leaves the eager pool at once; its connection stays open for the client.
      own.worker.shutdown();
      await ownRunning;
      expect((await api.herald.events.post(ws, { id: 'evt-not-eager', type: 'order.paid', data: {} })).status).toBe(202);
      await eventually(() => receiver.requests.filter((request) => request.path.endsWith('/fallback')).length === 1);
      expect(await starts(api.baseUrl)).toEqual({ started: 1 });
    } finally {
      await api.app.close();
      await removeSchedules(temporal.client, config.taskQueue);
      other.worker.shutdown();
      await otherRunning;
      await other.close();
      await own.close();
      await api.mongo.close();
    }
  });

  it('answers 202 within its start deadline when Temporal stops answering the worker’s connection', async () => {
    // The worker's (native) connection retries an unreachable server for about 9 s whatever the
    // call's deadline; ingest gives up after its own 5 s and leaves the start to the reconciler.
    const config = testConfig();
    const proxy = await tcpProxy(config.temporalAddress);
    const connection = await NativeConnection.connect({ address: proxy.address });
    const temporal = { ...clientOnWorkerConnection(connection, config), eagerStart: false };
    const lines: string[] = [];
    const api = await serveApi(config, temporal, { level: 'warn', stream: { write: (line: string) => void lines.push(line) } });
    try {
      const ws = await api.herald.workspace(['order.paid']);
      await api.herald.webhooks.add(ws, { url: `${receiver.url}/unreached`, events: ['order.paid'] });
      await proxy.close();
      const sentAt = Date.now();
      const answer = await api.herald.events.post(ws, { id: 'evt-temporal-gone', type: 'order.paid', data: {} });
      const tookMs = Date.now() - sentAt;
      expect(answer.status).toBe(202);
      expect(answer.body.data.deliveries).toEqual([expect.objectContaining({ status: 'pending' })]);
      expect(tookMs).toBeLessThan(8_000);
      expect(lines.join('\n')).toContain('its workflow did not start, the reconciler will start it');
    } finally {
      await api.app.close();
      await connection.close();
      await api.mongo.close();
    }
  });
});

/** A TCP relay to `target` (host:port) that can be closed, cutting every connection through it. */
async function tcpProxy(target: string): Promise<{ address: string; close(): Promise<void> }> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
