// A real local HTTP receiver that records every request and answers as a test scripts it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from './eventually';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Reply {
  status: number;
  body?: string;
  delayMs?: number;
  /** Headers besides content-type, such as a redirect's Location. */
  headers?: Record<string, string>;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Replies for the next requests, in order; after they run out, `fallback` answers. */
  script(replies: Reply[], fallback?: Reply): void;
  /** Answers each request from what it carries (e.g. a signature check) instead of the script. */
  answerWith(decide: (request: ReceivedRequest) => Reply): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let queue: Reply[] = [];
  let fallback: Reply = { status: 200, body: 'ok' };
  let decide: ((request: ReceivedRequest) => Reply) | undefined;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(request);
      const reply = decide ? decide(request) : (queue.shift() ?? fallback);
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    script(replies, next = fallback) {
      queue = [...replies];
      fallback = next;
    },
    answerWith(judge) {
      decide = judge;
    },
    async waitFor(count, timeoutMs = 60_000) {
      await eventually(
        () => {
          if (requests.length >= count) return true;
          throw new Error(`the receiver got ${requests.length} of ${count} expected requests`);
        },
        { timeoutMs, intervalMs: 25, what: `${count} requests at the receiver` },
      );
      return requests.slice(0, count);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
