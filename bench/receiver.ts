// The benchmark's own webhook receiver: a bare node:http server on 127.0.0.1 that answers at once
// (200, or 500 on a channel told to fail; a channel told to hang answers only after a while) and records, per channel, when each webhook-id arrived.
// A channel is the first path segment (/full32/0 → "full32"), so every phase counts its own.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { now } from './util';

export interface Channel {
  /** webhook-id → monotonic time of its first arrival. */
  first: Map<string, number>;
  /** webhook-id → the benchmark key found in the body (`"bench":"…"`), for the latency. */
  keys: Map<string, string>;
  /** webhook-ids answered with 2xx at least once. */
  succeeded: Set<string>;
  /** Every request, including repeats of a webhook-id. */
  total: number;
  /** Requests whose webhook-id had arrived before (retries or duplicates). */
  repeats: number;
  /** Requests without a webhook-id header. */
  anonymous: number;
  lastAt: number;
}

const BENCH_KEY = /"bench":"([^"]{1,200})"/;

export class BenchReceiver {
  private readonly channels = new Map<string, Channel>();
  private readonly failing = new Set<string>();
  private readonly hanging = new Map<string, number>();
  private server: http.Server | undefined;
  origin = '';

  async start(): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 70_000;
    server.requestTimeout = 0;
    server.maxHeadersCount = 100;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** The URL a webhook of `channel` posts to; `slot` tells fan-out webhooks apart. */
  url(channel: string, slot = 0): string {
    return `${this.origin}/${channel}/${slot}`;
  }

  channel(name: string): Channel {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = { first: new Map(), keys: new Map(), succeeded: new Set(), total: 0, repeats: 0, anonymous: 0, lastAt: 0 };
      this.channels.set(name, channel);
    }
    return channel;
  }

  /** While failing, the channel answers 500 to everything. */
  setFailing(name: string, failing: boolean): void {
    if (failing) this.failing.add(name);
    else this.failing.delete(name);
  }

  /** While hanging, the channel holds every request `ms` before answering (0: at once again). */
  setHanging(name: string, ms: number): void {
    if (ms > 0) this.hanging.set(name, ms);
    else this.hanging.delete(name);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const at = now();
    const url = req.url ?? '/';
    const name = url.split('/')[1]?.split('?')[0] || 'root';
    const channel = this.channel(name);
    const header = req.headers['webhook-id'];
    const id = Array.isArray(header) ? header[0] : header;
    const status = this.failing.has(name) ? 500 : 200;

    channel.total++;
    channel.lastAt = at;
    if (id === undefined) channel.anonymous++;
    else if (channel.first.has(id)) channel.repeats++;
    else channel.first.set(id, at);
    if (id !== undefined && status < 300) channel.succeeded.add(id);

    // The body is read only for the key the benchmark put in the event's data.
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (body.length < 4096) body += chunk;
    });
    req.on('end', () => {
      if (id !== undefined && !channel.keys.has(id)) {
        const match = BENCH_KEY.exec(body);
        if (match?.[1] !== undefined) channel.keys.set(id, match[1]);
      }
      const answer = () => {
        if (res.destroyed) return; // the sender gave up waiting
        res.writeHead(status, { 'content-type': 'text/plain', 'content-length': '2' });
        res.end(status === 200 ? 'ok' : 'no');
      };
      const hang = this.hanging.get(name);
      if (hang === undefined) answer();
      else setTimeout(answer, hang).unref();
    });
    req.on('error', () => res.destroy());
  }
}
