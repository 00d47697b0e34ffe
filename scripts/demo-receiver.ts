// A webhook receiver for trying Herald by hand (README walkthrough): prints every request and,
// when HERALD_WEBHOOK_SECRET is set, whether its Standard Webhooks signature verifies.
//   HERALD_WEBHOOK_SECRET=whsec_... npm run receiver        (listens on RECEIVER_PORT, default 4000)
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

const port = Number(process.env.RECEIVER_PORT ?? 4000);
const secret = process.env.HERALD_WEBHOOK_SECRET;

function verdict(body: string, headers: http.IncomingHttpHeaders): string {
  if (!secret) return 'not checked (set HERALD_WEBHOOK_SECRET)';
  try {
    new Webhook(secret).verify(body, {
      'webhook-id': String(headers['webhook-id']),
      'webhook-timestamp': String(headers['webhook-timestamp']),
      'webhook-signature': String(headers['webhook-signature']),
    });
    return 'valid';
  } catch (error) {
    return `INVALID (${(error as Error).message})`;
  }
}

http
  .createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      console.log(`\n${new Date().toISOString()} ${request.method} ${request.url}`);
      for (const name of ['content-type', 'user-agent', 'webhook-id', 'webhook-event-type', 'webhook-timestamp', 'webhook-signature']) {
        const value = request.headers[name];
        if (value !== undefined) console.log(`  ${name}: ${String(value)}`);
      }
      console.log(`  signature: ${verdict(body, request.headers)}`);
      console.log(`  body: ${body}`);
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  })
  .listen(port, '127.0.0.1', () => console.log(`demo receiver listening on http://127.0.0.1:${port}/`));
