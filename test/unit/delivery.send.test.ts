import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { closeSharedDispatchers, sendRequest, type OutgoingRequest } from '../../src/outbound';
import { createTestResolver } from '../support/resolver';

interface Receiver {
  url: string;
  hits: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[];
  connections: number;
  close: () => Promise<void>;
}

const servers: Server[] = [];

/** A real HTTP server on 127.0.0.1, recording every request it receives. */
async function startReceiver(respond: (req: IncomingMessage, res: ServerResponse) => void): Promise<Receiver> {
  const receiver = { hits: [], connections: 0 } as unknown as Receiver;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      receiver.hits.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      respond(req, res);
    });
  });
  server.on('connection', () => receiver.connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () => closeServer(server);
  return receiver;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const post = (url: string): OutgoingRequest => ({
  method: 'POST',
  url,
  headers: { 'Content-Type': 'application/json', 'webhook-id': 'delivery/ws/evt/wh' },
  body: '{"hello":"world"}',
});
const local = { timeoutMs: 2000, allowPrivateNetworks: true };

afterAll(async () => {
  await Promise.all(servers.filter((s) => s.listening).map(closeServer));
  await closeSharedDispatchers();
});

describe('sendRequest', () => {
  it('sends method, headers and body, and keeps exactly the first 1 KiB of a big response', async () => {
    // The answer is held a known time, which the measured duration must include (a few ms of
    // slack: the timer runs on the event loop's cached clock).
    const answerDelayMs = 100;
    const receiver = await startReceiver((_req, res) => setTimeout(() => res.end('a'.repeat(50_000)), answerDelayMs).unref());
    const result = await sendRequest({ ...post(`${receiver.url}/hook`), method: 'PUT' }, local);
    expect(result.statusCode).toBe(200);
    expect(result.error).toBeUndefined();
    expect(Buffer.byteLength(result.responseSnippet ?? '')).toBe(1024);
    expect(result.durationMs).toBeGreaterThanOrEqual(answerDelayMs - 5);
    expect(receiver.hits).toEqual([
      expect.objectContaining({
        method: 'PUT',
        path: '/hook',
        body: '{"hello":"world"}',
        headers: expect.objectContaining({ 'webhook-id': 'delivery/ws/evt/wh' }),
      }),
    ]);
  });

  it('cuts the snippet before a character the 1 KiB limit would split', async () => {
    const receiver = await startReceiver((_req, res) => res.end('é'.repeat(2000)));
    const { responseSnippet } = await sendRequest(post(receiver.url), local);
    expect(responseSnippet).toBe('é'.repeat(512));
  });

  it('reports a 500 as a status, not an error', async () => {
    const receiver = await startReceiver((_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    expect(await sendRequest(post(receiver.url), local)).toMatchObject({ statusCode: 500, responseSnippet: 'boom' });
  });

  it('reuses keep-alive connections, also after a response bigger than the snippet', async () => {
    const receiver = await startReceiver((_req, res) => res.end('b'.repeat(4096)));
    for (let i = 0; i < 10; i++) expect((await sendRequest(post(receiver.url), local)).statusCode).toBe(200);
    // Back to back, undici may open a second connection before releasing the first; a closed
    // connection per response would show 10.
    expect(receiver.connections).toBeLessThanOrEqual(2);
  });

  it('times out a receiver slower than timeoutMs', async () => {
    const receiver = await startReceiver((_req, res) => setTimeout(() => res.end('late'), 3000).unref());
    const result = await sendRequest(post(receiver.url), { ...local, timeoutMs: 200 });
    expect(result.error?.kind).toBe('timeout');
    expect(result.statusCode).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(150);
    expect(result.durationMs).toBeLessThan(2000);
  });

  it('keeps the status when the body stalls after the headers', async () => {
    const receiver = await startReceiver((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    // Long enough for the headers to arrive on a loaded 2-core machine (CI runs every suite at
    // once); the body never ends, so the snippet is what came before the timeout.
    const result = await sendRequest(post(receiver.url), { ...local, timeoutMs: 2000 });
    expect(result).toMatchObject({ statusCode: 200, responseSnippet: 'partial' });
    expect(result.error).toBeUndefined();
  });

  it('reports a closed port as a connection error', async () => {
    const receiver = await startReceiver(() => undefined);
    await receiver.close();
    const result = await sendRequest(post(receiver.url), local);
    expect(result.error).toMatchObject({ kind: 'connection', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('reports a certificate it cannot verify as a TLS error, without sending the body', async () => {
    // A test-only self-signed certificate for 127.0.0.1 (test/fixtures/): sending to a
    // self-signed certificate must not work.
    const fixture = (name: string) => readFileSync(path.join(__dirname, '..', 'fixtures', name));
    let received = 0;
    const server = createHttpsServer({ key: fixture('self-signed.key'), cert: fixture('self-signed.crt') }, (_req, res) => {
      received++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const result = await sendRequest(post(url), local);
      expect(result.statusCode).toBeUndefined();
      expect(result.error).toMatchObject({ kind: 'tls', message: expect.stringMatching(/self[- ]signed/i) });
      expect(received).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('does not follow redirects', async () => {
    const elsewhere = await startReceiver((_req, res) => res.end('should not be reached'));
    const receiver = await startReceiver((_req, res) => {
      res.writeHead(302, { Location: `${elsewhere.url}/moved` });
      res.end();
    });
    const result = await sendRequest(post(receiver.url), local);
    expect(result.statusCode).toBe(302);
    expect(receiver.hits).toHaveLength(1);
    expect(elsewhere.hits).toHaveLength(0);
  });

  it('refuses private targets unless allowed, without sending anything', async () => {
    const receiver = await startReceiver((_req, res) => res.end('ok'));
    const strict = { timeoutMs: 2000, allowPrivateNetworks: false };
    expect((await sendRequest(post(receiver.url), strict)).error?.kind).toBe('refused-target');
    const port = new URL(receiver.url).port;
    expect((await sendRequest(post(`http://localhost:${port}/`), strict)).error?.kind).toBe('refused-target');
    expect(receiver.hits).toHaveLength(0);
  });

  it('refuses at connect a name whose answer turns private after the check, through undici', async () => {
    const receiver = await startReceiver((_req, res) => res.end('ok'));
    const resolver = createTestResolver();
    resolver.answer('rebind.test', ['93.184.215.14'], ['127.0.0.1']); // public to the check, loopback to the connection
    const url = `http://rebind.test:${new URL(receiver.url).port}/`;
    const result = await sendRequest(post(url), { timeoutMs: 2000, allowPrivateNetworks: false, resolveHost: resolver.resolveHost });
    expect(result.error).toEqual({
      kind: 'refused-target',
      message: expect.stringContaining('targets a private or special-use address (at connect): rebind.test resolves to 127.0.0.1'),
    });
    expect([resolver.lookups('rebind.test', 'check'), resolver.lookups('rebind.test', 'connect')]).toEqual([1, 1]);
    expect(receiver.hits).toHaveLength(0);
  });

  it('reaches an allowed ip:port target although private, and nothing else on that host', async () => {
    const receiver = await startReceiver((_req, res) => res.end('ok'));
    const other = await startReceiver((_req, res) => res.end('ok'));
    const opts = { timeoutMs: 2000, allowPrivateNetworks: false, allowedTargets: [new URL(receiver.url).host] };
    expect((await sendRequest(post(receiver.url), opts)).statusCode).toBe(200);
    expect((await sendRequest(post(other.url), opts)).error?.kind).toBe('refused-target');
    expect([receiver.hits.length, other.hits.length]).toEqual([1, 0]);
  });

  it('refuses plain http when https is required', async () => {
    const receiver = await startReceiver((_req, res) => res.end('ok'));
    const result = await sendRequest(post(receiver.url), { ...local, requireHttps: true });
    expect(result.error?.kind).toBe('refused-target');
    expect(receiver.hits).toHaveLength(0);
  });

  it.each([true, false])('reports a name that does not resolve as dns (allowPrivateNetworks=%s)', async (allowPrivateNetworks) => {
    const result = await sendRequest(post('http://nonexistent.invalid/hook'), { timeoutMs: 5000, allowPrivateNetworks });
    expect(result.error?.kind).toBe('dns');
  });

  it('uses the given dispatcher', async () => {
    const receiver = await startReceiver((_req, res) => res.end('ok'));
    const dispatcher = new Agent();
    const dispatch = jest.spyOn(dispatcher, 'dispatch');
    expect((await sendRequest(post(receiver.url), { ...local, dispatcher })).statusCode).toBe(200);
    expect(dispatch).toHaveBeenCalled();
    await dispatcher.close();
  });
});

describe('sendRequest and Retry-After', () => {
  /** A receiver answering `status` with the given Retry-After header (none when undefined). */
  async function answering(status: number, retryAfter?: string): Promise<Receiver> {
    return startReceiver((_req, res) => {
      res.writeHead(status, retryAfter === undefined ? {} : { 'Retry-After': retryAfter });
      res.end('slow down');
    });
  }

  it.each([429, 503])('reports the seconds a %i asks for', async (status) => {
    const result = await sendRequest(post((await answering(status, '120')).url), local);
    expect(result).toMatchObject({ statusCode: status, retryAfterSeconds: 120, responseSnippet: 'slow down' });
  });

  it('reads an HTTP-date as seconds from now', async () => {
    const inTenMinutes = new Date(Math.ceil(Date.now() / 1000) * 1000 + 600_000).toUTCString();
    const result = await sendRequest(post((await answering(429, inTenMinutes)).url), local);
    expect(result.retryAfterSeconds).toBeGreaterThanOrEqual(598);
    expect(result.retryAfterSeconds).toBeLessThanOrEqual(601);
  });

  it('ignores the header on other statuses, an unreadable one, and its absence', async () => {
    for (const [status, header] of [
      [500, '120'],
      [200, '120'],
      [301, '120'],
      [429, 'soon'],
      [503, '-1'],
      [429, undefined],
    ] as const) {
      const result = await sendRequest(post((await answering(status, header)).url), local);
      expect(result.statusCode).toBe(status);
      expect(result).not.toHaveProperty('retryAfterSeconds');
    }
  });
});
