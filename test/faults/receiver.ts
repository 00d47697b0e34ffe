// The fault suite's receiver: a local HTTP server that answers each request as its current
// behaviour says — take it (2xx, possibly slowly, possibly with a huge body), fail it (500), redirect
// it, hang until Herald gives up, or reset the connection mid-response — and books every request and
// every delivery it took in the case's Tally, by `webhook-id`. A delivery counts as taken when a 2xx
// status line has been written: from then on Herald has its answer, whatever the body does.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Tally } from './tally';

export type Behaviour =
  | { kind: 'take'; delayMs?: number; bodyBytes?: number; chunkDelayMs?: number }
  | { kind: 'fail'; status: number }
  | { kind: 'redirect'; status: 301 | 302 | 303 | 307 | 308 }
  | { kind: 'hang' }
  | { kind: 'reset' };

/** Where a redirect points: the same server, so a followed redirect would be seen and counted. */
const REDIRECT_TARGET = '/followed-redirect';
const BODY_CHUNK = Buffer.alloc(64 * 1024, 'x');

export class CountingReceiver {
  behaviour: Behaviour = { kind: 'take' };
  /** Requests that arrived at the redirect target: Herald followed a redirect it must not follow. */
  followedRedirects = 0;
  /** Requests without a webhook-id header (never expected from Herald). */
  anonymous = 0;
  /** Deliveries this receiver took (2xx), repeats included. */
  taken = 0;
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();

  /** `port`: listen on this one (a receiver that comes up where Herald has been failing to connect). */
  constructor(
    private readonly tally: Tally,
    private port = 0,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async listen(): Promise<this> {
    const server = http.createServer((req, res) => this.handle(req, res));
    // Hangs and slow answers are the point: no server-side timeout may cut them short.
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Takes every delivery from now on, listening if it was not. */
  async heal(): Promise<void> {
    this.behaviour = { kind: 'take' };
    if (!this.listening) await this.listen();
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const at = Date.now();
    const header = req.headers['webhook-id'];
    const webhookId = Array.isArray(header) ? header[0] : header;
    const behaviour = this.behaviour;
    req.resume(); // the body is not needed; the webhook-id names the delivery
    req.on('error', () => res.destroy());
    if (req.url === REDIRECT_TARGET) {
      this.followedRedirects++;
      res.writeHead(200).end('followed');
      return;
    }
    this.tally.sawRequest(at);
    if (webhookId === undefined) {
      this.anonymous++;
      res.writeHead(400).end('no webhook-id');
      return;
    }
    switch (behaviour.kind) {
      case 'take':
        return this.take(webhookId, res, behaviour);
      case 'fail':
        res.writeHead(behaviour.status, { 'content-type': 'text/plain' }).end('failing on purpose');
        return;
      case 'redirect':
        res.writeHead(behaviour.status, { location: `http://127.0.0.1:${this.port}${REDIRECT_TARGET}` }).end();
        return;
      case 'hang':
        return; // never answered: Herald's timeout closes the connection
      case 'reset':
        // Half a status line and header block, then a TCP reset: Herald cannot know any status.
        res.socket?.write('HTTP/1.1 200 OK\r\nContent-Type: text/pl');
        res.socket?.resetAndDestroy();
        return;
    }
  }

  private take(webhookId: string, res: http.ServerResponse, how: { delayMs?: number; bodyBytes?: number; chunkDelayMs?: number }): void {
    const answer = (): void => {
      if (res.destroyed) return; // Herald gave up waiting: not taken
      const bodyBytes = how.bodyBytes ?? 0;
      res.writeHead(200, { 'content-type': 'text/plain', ...(bodyBytes > 0 ? { 'content-length': String(bodyBytes) } : {}) });
      res.flushHeaders();
      this.taken++;
      this.tally.took(webhookId, Date.now());
      if (bodyBytes === 0) {
        res.end('ok');
        return;
      }
      // A huge body, trickled: Herald reads what it keeps of it and closes the connection.
      let left = bodyBytes;
      const more = (): void => {
        if (res.destroyed) return;
        if (left <= 0) {
          res.end();
          return;
        }
        const chunk = BODY_CHUNK.subarray(0, Math.min(left, BODY_CHUNK.length));
        left -= chunk.length;
        res.write(chunk, () => setTimeout(more, how.chunkDelayMs ?? 0));
      };
      more();
    };
    if (how.delayMs) setTimeout(answer, how.delayMs);
    else answer();
  }
}
