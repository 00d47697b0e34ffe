// The console's assets as the API serves them: bundled once at start-up, with the security headers
// on every answer, no inline script, nothing the CSP would refuse, and out of /openapi.json. A
// bundling error stops the start.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleConsole, consoleSourceDir } from '../../src/api/pages/consoleBundle';
import { consoleContentSecurityPolicy } from '../../src/api/routes/console';
import { startApi, type ApiStack } from '../support/stack';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApi();
});
afterAll(async () => {
  await stack?.stop();
});

const get = (url: string, headers: Record<string, string> = {}) => stack.app.inject({ method: 'GET', url, headers });

const SECURITY_HEADERS = {
  'content-security-policy': consoleContentSecurityPolicy("'none'"),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

describe('/console', () => {
  it('serves the page with a strict CSP that refuses every frame, and no inline script', async () => {
    const page = await get('/console/');
    expect(page.statusCode).toBe(200);
    expect(page.headers).toMatchObject({ ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.body).toContain('<script src="app.js" defer></script>');
    expect(page.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(page.body).not.toMatch(/\son[a-z]+=/i);
  });

  it('redirects /console to /console/, where the relative asset paths resolve', async () => {
    const answer = await get('/console');
    expect(answer.statusCode).toBe(302);
    expect(answer.headers.location).toBe('/console/');
  });

  it('serves one script with Preact, htm and uPlot in it, and nothing that needs eval', async () => {
    const script = await get('/console/app.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers).toMatchObject({ ...SECURITY_HEADERS, 'content-type': 'text/javascript; charset=utf-8' });
    expect(script.body.length).toBeGreaterThan(20_000);
    expect(script.body).toContain('herald.console.credential');
    expect(script.body).not.toMatch(/\beval\(|new Function\(|\bFunction\(["'`]/);
  });

  it("renders text only: the console's own code never writes markup", () => {
    const dir = consoleSourceDir();
    const sources = readdirSync(dir).filter((name) => name.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(10);
    const writesMarkup = sources.filter((name) =>
      /innerHTML|outerHTML|dangerouslySetInnerHTML|insertAdjacentHTML|document\.write/.test(readFileSync(path.join(dir, name), 'utf8')),
    );
    expect(writesMarkup).toEqual([]);
  });

  it("serves one style sheet with uPlot's styles and the console's", async () => {
    const style = await get('/console/app.css');
    expect(style.statusCode).toBe(200);
    expect(style.headers).toMatchObject({ ...SECURITY_HEADERS, 'content-type': 'text/css; charset=utf-8' });
    expect(style.body).toContain('.uplot');
    expect(style.body).toContain('.badge-ok');
  });

  it('serves its icon, so a browser asks for no /favicon.ico', async () => {
    const icon = await get('/console/favicon.svg');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
  });

  it('allows framing only for a page loaded into a frame, and then only the portal’s ancestors', async () => {
    const framed = await get('/console/', { 'sec-fetch-dest': 'iframe' });
    // The portal's ancestors: 'none' until HERALD_PORTAL_FRAME_ANCESTORS names some.
    expect(framed.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(framed.headers.vary).toContain('Sec-Fetch-Dest');
    const script = await get('/console/app.js', { 'sec-fetch-dest': 'iframe' });
    expect(script.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('is not part of the REST API: out of /openapi.json, no rate limit, no key', async () => {
    const document = (await get('/openapi.json')).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(document.paths).filter((p) => p.includes('console'))).toEqual([]);
    expect((await get('/console/')).headers['x-ratelimit-limit']).toBeUndefined();
  });
});

describe('bundling the console', () => {
  it('finds the sources from the tree it runs in, and from dist/', () => {
    const root = path.join(__dirname, '..', '..');
    expect(consoleSourceDir()).toBe(path.join(root, 'src', 'console'));
    expect(consoleSourceDir(path.join(root, 'dist', 'src', 'api', 'pages'))).toBe(path.join(root, 'src', 'console'));
    expect(() => consoleSourceDir(tmpdir())).toThrow(/console's sources/);
  });

  it('fails loudly, naming the file, when the sources do not compile', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'herald-console-'));
    try {
      writeFileSync(path.join(dir, 'main.ts'), 'const broken = ;\n');
      writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
      await expect(bundleConsole(dir)).rejects.toThrow(/console could not be bundled[\s\S]*main\.ts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
