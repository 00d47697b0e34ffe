// A workspace embeds the customer portal in an iframe on its own site: the console, opened with a
// portal link, runs inside the frame when the site's origin is in HERALD_PORTAL_FRAME_ANCESTORS,
// and Chromium refuses to render it inside any other site's frame. Two local "sites" on ports of
// their own (so origins of their own) serve nothing but the iframe.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../support/browser';
import { startReceiver, type Receiver } from '../support/receiver';
import { startHerald, type HeraldStack } from '../support/stack';

interface Site {
  origin: string;
  /** The page this site serves: an iframe of `src`. */
  frame(src: string): string;
  close(): Promise<void>;
}

async function startSite(): Promise<Site> {
  let src = '';
  const server = http.createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(`<!doctype html><title>A customer's site</title><h1>Our webhooks</h1><iframe title="portal" src="${src}" width="1200" height="800"></iframe>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    frame: (to) => ((src = to), `${origin}/`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let allowed: Site;
let other: Site;
let stack: HeraldStack;
let browser: TestBrowser;
let receiver: Receiver;
let portalUrl: string;

beforeAll(async () => {
  [allowed, other, receiver, browser] = await Promise.all([startSite(), startSite(), startReceiver(), launchBrowser()]);
  stack = await startHerald({ portalFrameAncestors: [allowed.origin] });
  const ws = await stack.herald.workspace(['order.paid']);
  const mine = await stack.herald.webhooks.add(ws, { name: 'Embedded hook', url: receiver.url, events: ['order.paid'] });
  const link = await stack.herald.request('POST', `/workspaces/${ws.id}/portal-links`, { webhookIds: [mine] }, ws.key);
  expect(link.status).toBe(201);
  portalUrl = `${stack.baseUrl}/console/#portal=${encodeURIComponent(link.data.token as string)}`;
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await Promise.all([allowed?.close(), other?.close(), receiver?.close()]);
});

/** Opens `site`'s page in a fresh context; its portal frame, once the page has loaded. */
async function openEmbedded(site: Site): Promise<{ frame: Frame; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site.frame(portalUrl));
  await page.waitForLoadState('load');
  const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
  if (!frame) throw new Error('the site has no frame');
  return { frame, close: () => context.close() };
}

it("runs inside a frame on the site HERALD_PORTAL_FRAME_ANCESTORS names, showing the link's webhook", async () => {
  const { frame, close } = await openEmbedded(allowed);
  try {
    await frame.getByRole('link', { name: 'Embedded hook', exact: true }).waitFor({ timeout: 30_000 });
    expect(await frame.getByText('Portal', { exact: false }).count()).toBeGreaterThan(0);
  } finally {
    await close();
  }
});

it("is not rendered inside another site's frame", async () => {
  const { frame, close } = await openEmbedded(other);
  try {
    // Chromium replaces a frame its CSP refuses with an error page: none of the console is there.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(frame.url()).not.toContain('/console/');
    expect(await frame.getByText('Embedded hook').count()).toBe(0);
  } finally {
    await close();
  }
});
