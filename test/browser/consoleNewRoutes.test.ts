// The console's parts that use the API's newest calls, written against their contracts: GET
// /v1/session, webhook stats, recover and its progress, GET /events/{id}, the request of a
// delivery, the delivery list's eventType/since/until filters, and portal links. On a Herald
// without those calls these tests fail; the console itself falls back (see docs/console.md).
import type { TestWorkspace } from '../support/client';
import { eventuallyValue } from '../support/eventually';
import { consoleSuite, openScreen, screenshot, signIn, textOf } from '../support/consolePage';
import type { ReceivedRequest } from '../support/receiver';
import { portalFrameAncestors } from '../../src/api/pages/framing';
import { consoleContentSecurityPolicy } from '../../src/api/routes/console';

const PAID = 'order.paid';
const SHIPPED = 'order.shipped';
const XSS = '<img src=x onerror=window.__xss=1>';

const suite = consoleSuite();

/** A workspace of its own per case, so each case's events reach only its own webhooks. */
const workspace = () => suite.stack.herald.workspace([PAID, SHIPPED]);
const hashOf = (ws: TestWorkspace, screen: string) => `#/ws/${ws.id}/${screen}`;
const eventOf = (request: ReceivedRequest) => (JSON.parse(request.body) as { id: string }).id;

describe('the console on the newest API', () => {
  it('learns the workspace of a key from GET /v1/session: nothing to type', async () => {
    const ws = await workspace();
    const { page } = await suite.newPage();
    await signIn(page, suite.stack.baseUrl, ws.key);
    await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
    expect(page.url()).toContain(`#/ws/${ws.id}/webhooks`);
  });

  it("charts a webhook's success rate and latency over the last hour and day", async () => {
    const ws = await workspace();
    const target = await suite.receiver();
    const webhookId = await suite.stack.herald.webhooks.add(ws, { name: 'Charted', url: target.url, events: [PAID] });
    for (const n of [1, 2, 3]) await suite.stack.herald.events.send(ws, { id: `stat-${n}`, type: PAID, data: { n } });
    await target.waitFor(3);

    const { page } = await suite.newPage();
    await signIn(page, suite.stack.baseUrl, ws.key, ws.id);
    await openScreen(page, hashOf(ws, `webhooks/${webhookId}`));
    const rate = page.locator('dl.figures div', { hasText: 'Success rate' }).locator('dd');
    await eventuallyValue(
      async () => {
        await page.reload();
        await page.getByRole('heading', { name: 'Success rate and latency', exact: true }).waitFor();
        return (await page.locator('dl.figures').count()) > 0 ? await rate.textContent() : null;
      },
      (text) => text === '100 %',
      { timeoutMs: 30_000, what: 'the stats to count the three successes' },
    );
    await page.locator('.chart canvas').first().waitFor();
    await screenshot(page, 'stats');
    await page.getByRole('button', { name: 'Last day', exact: true }).click();
    expect(await page.getByRole('button', { name: 'Last day', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await page.locator('.chart canvas').first().waitFor();
  });

  it('recovers failed deliveries of a time range in order, with progress shown without a reload', async () => {
    const ws = await workspace();
    const target = await suite.receiver();
    target.script([], { status: 503, body: 'down' });
    const webhookId = await suite.stack.herald.webhooks.add(ws, {
      name: 'Recovered',
      url: target.url,
      events: [PAID],
      retryPolicy: { preset: 'fixed', intervalSeconds: 1, maxRetries: 1 },
    });
    const sent: string[] = [];
    for (const n of [1, 2, 3]) {
      const { deliveries } = await suite.stack.herald.events.send(ws, { id: `lost-${n}`, type: PAID, data: { n } });
      sent.push(`lost-${n}`);
      await suite.stack.herald.deliveries.waitFor(ws, deliveries[0].id, ['failed']);
    }
    const failedAttempts = target.requests.length;
    target.script([], { status: 200, body: 'back' });

    const { page } = await suite.newPage();
    await signIn(page, suite.stack.baseUrl, ws.key, ws.id);
    await openScreen(page, hashOf(ws, `recover?webhookId=${webhookId}`));
    await page.getByRole('button', { name: 'Recover', exact: true }).click();
    await page.getByText('Recovery started.', { exact: true }).waitFor();
    // Followed through GET /recoveries/{id} every 2 s until it ends.
    await page.locator('section[aria-labelledby="progress-title"] .badge', { hasText: 'completed' }).waitFor();
    const resent = target.requests.slice(failedAttempts);
    expect(resent.map(eventOf)).toEqual(sent);
    await page.locator('.recoveries tbody tr').first().waitFor();
    expect(await textOf(page, '.recoveries tbody tr')).toContain('completed');
    await screenshot(page, 'recover');
  });

  it('looks an event up by id: its payload as text, and where it went', async () => {
    const ws = await workspace();
    const target = await suite.receiver();
    const webhookId = await suite.stack.herald.webhooks.add(ws, { name: 'Looked up', url: target.url, events: [PAID] });
    await suite.stack.herald.events.send(ws, { id: 'evt-xss', type: PAID, data: { note: XSS } });
    await target.waitFor(1);

    const { page } = await suite.newPage();
    await signIn(page, suite.stack.baseUrl, ws.key, ws.id);
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await page.getByLabel('Event id', { exact: true }).fill('evt-xss');
    await page.getByRole('button', { name: 'Look up', exact: true }).click();
    await page.getByRole('heading', { name: 'Payload, as received', exact: true }).waitFor();
    expect(await textOf(page, 'pre.payload')).toBe(JSON.stringify({ note: XSS }));
    expect(await textOf(page, 'table tbody tr')).toContain(webhookId);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await screenshot(page, 'event');
  });

  it('shows the request of a delivery with its secrets masked', async () => {
    const ws = await workspace();
    const target = await suite.receiver();
    const webhookId = await suite.stack.herald.webhooks.add(ws, { name: 'Signed', url: target.url, events: [PAID], secret: true });
    const { deliveries } = await suite.stack.herald.events.send(ws, { id: 'evt-signed', type: PAID, data: { n: 1 } });
    await suite.stack.herald.deliveries.waitFor(ws, deliveries[0].id, ['succeeded']);

    const { page } = await suite.newPage();
    await signIn(page, suite.stack.baseUrl, ws.key, ws.id);
    await openScreen(page, hashOf(ws, `deliveries/${encodeURIComponent(deliveries[0].id)}`));
    await page.getByRole('heading', { name: 'Request', exact: true }).waitFor();
    expect(await textOf(page, 'section[aria-labelledby="request-title"] p.mono')).toBe(`POST ${target.url}`);
    const signature = page.locator('table.headers tr', { hasText: 'webhook-signature' }).locator('td');
    expect(await signature.textContent()).toContain('••••');
    expect(await textOf(page, 'section[aria-labelledby="request-title"] pre.payload')).toContain('"evt-signed"');
    expect(webhookId).toBeTruthy();
  });

  it('filters deliveries by event type and time', async () => {
    const ws = await workspace();
    const target = await suite.receiver();
    await suite.stack.herald.webhooks.add(ws, { name: 'Both', url: target.url, events: [PAID, SHIPPED] });
    await suite.stack.herald.events.send(ws, { id: 'evt-paid', type: PAID, data: {} });
    await suite.stack.herald.events.send(ws, { id: 'evt-shipped', type: SHIPPED, data: {} });
    await target.waitFor(2);

    const { page } = await suite.newPage();
    await signIn(page, suite.stack.baseUrl, ws.key, ws.id);
    await page.getByRole('link', { name: 'Deliveries', exact: true }).click();
    await page.getByLabel('Event type', { exact: true }).fill(SHIPPED);
    await page.getByRole('button', { name: 'Show deliveries', exact: true }).click();
    await page.locator('tbody tr', { hasText: 'evt-shipped' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);

    await page.getByLabel('Created from', { exact: true }).fill('2099-01-01T00:00');
    await page.getByRole('button', { name: 'Show deliveries', exact: true }).click();
    await page.getByText('No delivery matches.', { exact: true }).waitFor();
  });

  it('opens a portal link scoped to one webhook: nothing else of the workspace shows', async () => {
    const ws = await workspace();
    const target = await suite.receiver();
    const mine = await suite.stack.herald.webhooks.add(ws, { name: 'Customer hook', url: target.url, events: [PAID] });
    await suite.stack.herald.webhooks.add(ws, { name: 'Internal hook', url: target.url, events: [PAID] });
    const link = await suite.stack.herald.request('POST', `/workspaces/${ws.id}/portal-links`, { webhookIds: [mine] }, ws.key);
    expect(link.status).toBe(201);

    const { page } = await suite.newPage();
    await page.goto(`${suite.stack.baseUrl}/console/#portal=${encodeURIComponent(link.data.token as string)}`);
    await page.getByRole('link', { name: 'Customer hook', exact: true }).waitFor();
    expect(page.url()).not.toContain('portal=');
    expect(await page.getByText('Internal hook', { exact: true }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Notifications', exact: true }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'New webhook', exact: true }).count()).toBe(0);
    expect(await textOf(page, '.who')).toContain('Portal');

    // Framed, the console allows the portal's ancestors; otherwise none.
    const framed = await fetch(`${suite.stack.baseUrl}/console/`, { headers: { 'sec-fetch-dest': 'iframe' } });
    expect(framed.headers.get('content-security-policy')).toBe(consoleContentSecurityPolicy(portalFrameAncestors(suite.stack.config)));
  });
});
