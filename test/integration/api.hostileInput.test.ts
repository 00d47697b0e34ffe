// Hand-written hostile input, beside the schema fuzzer (api.fuzz.test.ts) and the per-field table
// (api.badInput.test.ts): malformed JSON, wrong content types, deep nesting, megabyte strings,
// Unicode edge cases, broken HTTP, CR/LF in custom headers, and event values that try to break out
// of a payload template's JSON, XML or form encoding. Every answer is below 500 and in Herald's
// envelope with Herald's own code; nothing hangs; the process answers /healthz afterwards.
import net from 'node:net';
import { ERROR_CODES } from '../../src/api/plugins/errors';
import { eventually } from '../support/eventually';
import { startReceiver, type Receiver } from '../support/receiver';
import type { Herald } from '../support/client';
import { startHerald, type HeraldStack, type TestWorkspace } from '../support/stack';

const MAX_BODY_BYTES = 1024 * 1024;
const REQUEST_TIMEOUT_MS = 1000;
const EVENT = 'order.paid';

let stack: HeraldStack;
let herald: Herald;
let receiver: Receiver;
let ws: TestWorkspace;
/** Every error code answered in this file, checked at the end. */
const codesSeen = new Set<string>();

beforeAll(async () => {
  [stack, receiver] = await Promise.all([startHerald({ maxBodyBytes: MAX_BODY_BYTES, requestTimeoutMs: REQUEST_TIMEOUT_MS }), startReceiver()]);
  herald = stack.herald;
  ws = await herald.workspace([EVENT]);
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

/** Sends raw bytes with the given content type to a path under the workspace; never hangs. */
async function post(path: string, body: string | Buffer, contentType: string | null = 'application/json'): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${ws.key}` };
  if (contentType !== null) headers['content-type'] = contentType;
  // Bytes as a plain Uint8Array: preact's types bring in the DOM's fetch, whose body type has no Buffer.
  const bytes = typeof body === 'string' ? body : new Uint8Array(body);
  const response = await fetch(`${stack.baseUrl}/v1/workspaces/${ws.id}${path}`, { method: 'POST', headers, body: bytes, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/**
 * Writes `request` as is on a fresh socket and reads the answer until the server closes it
 * (requests here say `Connection: close`, or are ones the server must close on).
 */
function raw(request: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { port } = new URL(stack.baseUrl);
    const socket = net.connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no answer in 20 s')), 20_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => (chunks.length > 0 ? undefined : reject(error)));
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /^content-type:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? null;
      resolve({ status, contentType, text: rest.join('\r\n\r\n') });
    });
    socket.write(request);
  });
}

/** An error answer in Herald's envelope with `status` (and `code`, when given). */
function expectError(answer: Answer, status: number, code?: string): void {
  const body = JSON.parse(answer.text) as { data: unknown; error: { code: string; message: string } };
  codesSeen.add(body.error?.code);
  expect({ status: answer.status, json: answer.contentType?.startsWith('application/json') }).toEqual({ status, json: true });
  expect(body).toEqual({ data: null, error: expect.objectContaining({ code: code ?? expect.any(String), message: expect.any(String) }) });
  expect(Object.keys(body.error).filter((key) => !['code', 'message', 'details'].includes(key))).toEqual([]);
}

describe('malformed JSON', () => {
  it.each([
    ['unterminated', '{"type": "order.paid", "data": {'],
    ['trailing comma', '{"type": "order.paid", "data": [1,],}'],
    ['two documents', '{"type": "order.paid", "data": {}}{}'],
    ['single quotes', "{'type': 'order.paid'}"],
    ['NaN', '{"type": "order.paid", "data": NaN}'],
    ['a lone brace', '}'],
    ['a byte order mark first', '\ufeff{"type": "order.paid", "data": {}}'],
    ['invalid escape', '{"type": "order.paid", "data": "\\x41"}'],
    ['a __proto__ member', '{"type": "order.paid", "data": {}, "__proto__": {"admin": true}}'],
    ['an escaped __proto__ member', '{"type": "order.paid", "data": {"\\u005f_proto__": {}}}'],
  ])('%s answers 400 invalid_json', async (_name, body) => {
    expectError(await post('/events', body), 400, 'invalid_json');
  });

  it('answers 400 for bytes that are not UTF-8', async () => {
    const body = Buffer.concat([Buffer.from('{"type": "order.paid", "data": "'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}')]);
    const answer = await post('/events', body);
    // Decoded with replacement characters the JSON is valid: accepted, or refused, never a 5xx.
    expect(answer.status).toBeLessThan(500);
  });
});

describe('wrong content types', () => {
  const valid = JSON.stringify({ type: EVENT, data: {} });
  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'application/jsonx', 'image/png'])(
    '%s answers 415 unsupported_media_type',
    async (type) => {
      expectError(await post('/events', valid, type), 415, 'unsupported_media_type');
    },
  );

  it('a body without a content type answers 415', async () => {
    expectError(
      await raw(
        `POST /v1/workspaces/${ws.id}/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ws.key}\r\nContent-Length: ${valid.length}\r\nConnection: close\r\n\r\n${valid}`,
      ),
      415,
    );
  });

  it('JSON with parameters is still JSON', async () => {
    expect((await post('/events', valid, 'application/json; charset=utf-8')).status).toBe(202);
  });
});

describe('deep nesting', () => {
  it('event data nested 100 000 deep is refused or stored, never a 5xx', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const answer = await post('/events', `{"type": "${EVENT}", "data": ${deep}}`);
    expect(answer.status).toBeLessThan(500);
  });

  it('a deeply nested value where the schema wants a string answers 400', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    expectError(await post('/webhooks', `{"name": ${deep}, "url": "${receiver.url}", "events": ["${EVENT}"]}`), 400, 'invalid_request');
  });
});

describe('megabyte strings', () => {
  it('a body over the limit answers 413 payload_too_large, whatever the field', async () => {
    const huge = 'x'.repeat(MAX_BODY_BYTES + 1);
    expectError(await post('/events', JSON.stringify({ type: EVENT, data: huge })), 413, 'payload_too_large');
    expectError(await post('/webhooks', JSON.stringify({ name: huge, url: receiver.url, events: [EVENT] })), 413, 'payload_too_large');
  });

  it('a body over the limit in another content type answers 415, unread', async () => {
    expectError(await post('/events', 'x'.repeat(2 * MAX_BODY_BYTES), 'text/plain'), 415, 'unsupported_media_type');
  });

  it('a string just under the limit is stored and delivered', async () => {
    const hook = await herald.webhooks.add(ws, { url: `${receiver.url}/big`, events: [EVENT] });
    const big = 'é'.repeat(Math.floor((MAX_BODY_BYTES - 200) / 2));
    const answer = await post('/events', JSON.stringify({ type: EVENT, data: { big } }));
    expect(answer.status).toBe(202);
    const delivered = await eventually(() => receiver.requests.find((r) => r.path === '/hooks/big'), { what: 'the big event at the receiver' });
    expect((JSON.parse(delivered.body) as { data: { big: string } }).data.big).toBe(big);
    await herald.request('DELETE', `/workspaces/${ws.id}/webhooks/${hook}`, undefined, ws.key);
  });

  it('a megabyte field where the schema allows 200 characters answers 400', async () => {
    expectError(await post('/webhook-events', JSON.stringify({ name: 'a'.repeat(MAX_BODY_BYTES - 100) })), 400, 'invalid_request');
  });

  it('request headers over Node’s limit answer 431 in the envelope', async () => {
    expectError(await raw(`GET /v1/workspaces/${ws.id}/webhooks HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`), 431, 'headers_too_large');
  });
});

describe('Unicode edge cases', () => {
  it.each([
    ['a lone high surrogate', '\ud800'],
    ['a reversed surrogate pair', '\udc00\ud800'],
    ['a right-to-left override', '\u202emoc.evil'],
    ['a family emoji', '👩‍👩‍👧‍👦'],
    ['a byte order mark', '\ufeffname'],
    ['the replacement character', '\ufffd'],
    ['a noncharacter', '\uffff'],
  ])('%s in a name is stored or refused, never a 5xx', async (_name, text) => {
    const answer = await post('/webhook-events', JSON.stringify({ name: 'a.b', description: text }));
    expect(answer.status).toBeLessThan(500);
    const created = await post('/webhooks', JSON.stringify({ name: text, url: receiver.url, events: [EVENT] }));
    expect(created.status).toBeLessThan(500);
  });

  it('U+0000 in a text field answers 400 naming the field; in event data it is payload', async () => {
    const answer = await post('/webhooks', JSON.stringify({ name: 'a\u0000b', url: receiver.url, events: [EVENT] }));
    expectError(answer, 400, 'invalid_request');
    expect(answer.text).toContain('body.name must not contain the character U+0000');
    const query = await fetch(`${stack.baseUrl}/v1/workspaces/${ws.id}/webhooks?app=a%00b`, { headers: { authorization: `Bearer ${ws.key}` } });
    expectError({ status: query.status, contentType: query.headers.get('content-type'), text: await query.text() }, 400, 'invalid_request');
    expect((await post('/events', JSON.stringify({ type: EVENT, data: { text: 'a\u0000b' } }))).status).toBe(202);
  });

  it.each([
    ['invalid percent-encoding', `/v1/workspaces/${'%E0%A4%A'}/webhooks`],
    ['a percent sign alone', '/v1/workspaces/%/webhooks'],
    ['an encoded NUL', '/v1/workspaces/%00/webhooks'],
    ['encoded slashes and dots', '/v1/workspaces/..%2F..%2Fetc/webhooks'],
    ['non-ASCII', '/v1/workspaces/%F0%9F%92%A9/webhooks'],
  ])('%s in a path answers 400 or 404 in the envelope', async (_name, path) => {
    const answer = await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ws.key}\r\nConnection: close\r\n\r\n`);
    expect([400, 404]).toContain(answer.status);
    expectError(answer, answer.status);
  });
});

describe('broken HTTP', () => {
  it('a request line that is not HTTP answers 400 in the envelope', async () => {
    expectError(await raw('HELLO WORLD\r\n\r\n'), 400, 'invalid_request');
  });

  it('a Content-Length larger than the body answers 408 once the request timeout passes', async () => {
    const answer = await raw(
      `POST /v1/workspaces/${ws.id}/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ws.key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type"`,
    );
    expectError(answer, 408, 'request_timeout');
  });

  it('headers sent too slowly answer 408', async () => {
    expectError(await raw(`GET /v1/workspaces/${ws.id}/webhooks HTTP/1.1\r\nHost: x\r\n`), 408, 'request_timeout');
  });

  it.each(['PUT', 'OPTIONS', 'TRACE', 'PROPFIND'])('%s, a method no route has, answers 404 in the envelope', async (method) => {
    expectError(
      await raw(`${method} /v1/workspaces/${ws.id}/webhooks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ws.key}\r\nConnection: close\r\n\r\n`),
      404,
      'not_found',
    );
  });

  it('an invalid Content-Length answers 400', async () => {
    expectError(
      await raw(`POST /v1/workspaces/${ws.id}/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\nConnection: close\r\n\r\n`),
      400,
    );
  });
});

describe('CR and LF in custom headers', () => {
  it.each([
    ['CR LF in a name', { 'X-A\r\nX-Injected': 'v' }, 'body.headers'],
    ['LF in a name', { 'X-A\nB': 'v' }, 'body.headers'],
    ['a space in a name', { 'X A': 'v' }, 'body.headers'],
    ['CR LF in a value', { 'X-A': 'v\r\nX-Injected: 1' }, 'body.headers.X-A'],
    ['LF in a value', { 'X-A': 'v\nw' }, 'body.headers.X-A'],
    ['CR in a value', { 'X-A': 'v\rw' }, 'body.headers.X-A'],
    ['NUL in a value', { 'X-A': 'v\u0000w' }, 'body.headers.X-A'],
    ['a character beyond Latin-1 in a value', { 'X-A': 'v😀' }, 'body.headers.X-A'],
  ])('%s answers 400 at create and at update', async (_name, headers, field) => {
    const created = await post('/webhooks', JSON.stringify({ name: 'h', url: receiver.url, events: [EVENT], headers }));
    expectError(created, 400, 'invalid_request');
    expect(created.text).toContain(field);
    const hook = await herald.webhooks.add(ws, { url: receiver.url, events: [EVENT] });
    const response = await fetch(`${stack.baseUrl}/v1/workspaces/${ws.id}/webhooks/${hook}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ws.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ headers }),
    });
    expectError({ status: response.status, contentType: response.headers.get('content-type'), text: await response.text() }, 400, 'invalid_request');
  });
});

describe('template placeholders that try to break out of the encoding', () => {
  const ESCAPES = ['"}, "injected": {"x": "', '</ref><injected/><ref>', ']]><injected/>', '&injected=1&ref=', 'a\\"b\\\\', '\u2028\u2029', '{data.secret}'];

  it.each(['json', 'xml', 'form'])('%s: every value arrives as the one field it was', async (contentType) => {
    const target = await herald.workspace([EVENT]);
    const path = `/tpl-${contentType}`;
    await herald.webhooks.add(target, {
      url: `${receiver.url}${path}`,
      events: [EVENT],
      contentType,
      payloadTemplate: '{"ref": "{data.ref}", "n": "{data.n}"}',
    });
    for (const [n, ref] of ESCAPES.entries()) await herald.events.send(target, { type: EVENT, data: { ref, n, secret: 'never' } });
    const delivered = await eventually(
      () => {
        const got = receiver.requests.filter((r) => r.path === `/hooks${path}`);
        if (got.length < ESCAPES.length) throw new Error(`${got.length} of ${ESCAPES.length} delivered`);
        return got;
      },
      { what: `the ${contentType} deliveries` },
    );
    const fields = delivered.map((request) => {
      if (contentType === 'json') return JSON.parse(request.body) as Record<string, string>;
      if (contentType === 'form') return Object.fromEntries(new URLSearchParams(request.body));
      expect(request.body).not.toContain('<injected');
      const unescape = (s: string) =>
        s
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&apos;/g, "'")
          .replace(/&amp;/g, '&');
      return Object.fromEntries([...request.body.matchAll(/<(ref|n)>([^<]*)<\/\1>/g)].map((m) => [m[1], unescape(m[2])]));
    });
    expect(fields.map((f) => Object.keys(f).sort())).toEqual(ESCAPES.map(() => ['n', 'ref']));
    expect(fields.sort((a, b) => Number(a.n) - Number(b.n)).map((f) => f.ref)).toEqual(ESCAPES);
  });
});

describe('afterwards', () => {
  it('answered only Herald error codes, never a framework one', () => {
    expect([...codesSeen].filter((code) => !(ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
    expect([...codesSeen].length).toBeGreaterThan(4);
  });

  it('the process is alive and ready', async () => {
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.baseUrl}/readyz`)).status).toBe(200);
  });
});
