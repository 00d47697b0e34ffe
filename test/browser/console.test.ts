// The delivery console in headless Chromium against a real stack (worker, API, Temporal, FerretDB,
// local receivers): signing in, creating a webhook, a delivery that succeeds and one that fails
// and is retried, pause and resume with a replay, a secret rotated and shown once, signing out;
// attacker-controlled text stays text; the CSP header is sent and nothing breaks it.
import { Webhook as Verifier } from 'standardwebhooks';
import type { TestWorkspace } from '../support/client';
import { consoleSuite, openScreen, screenshot, signIn, textOf, unlabelledControls, type ConsolePage } from '../support/consolePage';
import type { ReceivedRequest } from '../support/receiver';
import { ADMIN_KEY } from '../support/stack';

const EVENT = 'order.status';
const XSS = '<img src=x onerror=window.__xss=1>';

const suite = consoleSuite();
let ws: TestWorkspace;

/** A signed-in console page, checked for CSP violations and errors when the test ends. */
async function consoleFor(key: string, workspace?: string): Promise<ConsolePage> {
  const opened = await suite.newPage();
  await signIn(opened.page, suite.stack.baseUrl, key, workspace);
  return opened;
}

const hashOf = (screen: string) => `#/ws/${ws.id}/${screen}`;
const eventOf = (request: ReceivedRequest) => (JSON.parse(request.body) as { id: string }).id;

beforeAll(async () => {
  ws = await suite.stack.herald.workspace([EVENT]);
});

describe('the console', () => {
  it('is served with a strict CSP and the security headers, and signs in with a workspace key', async () => {
    const opened = await suite.newPage();
    const response = await opened.page.goto(`${suite.stack.baseUrl}/console/`);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
    await opened.page.getByLabel('API key', { exact: true }).waitFor();
    await screenshot(opened.page, 'sign-in');

    await signIn(opened.page, suite.stack.baseUrl, ws.key, ws.id);
    await opened.page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
    expect(await opened.page.evaluate('sessionStorage.getItem("herald.console.credential")')).toBe(ws.key);
    expect(await opened.page.evaluate('Object.keys(sessionStorage)')).toEqual(['herald.console.credential']);
    expect(await opened.page.evaluate('localStorage.length + document.cookie.length')).toBe(0);
  });

  it('creates a webhook with a secret shown once, and shows a delivery to it that succeeded with its attempt', async () => {
    const ok = await suite.receiver();
    const { page } = await consoleFor(ws.key, ws.id);
    await page.getByRole('link', { name: 'New webhook', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('Orders');
    await page.getByLabel('URL', { exact: true }).fill(ok.url);
    await page.getByLabel('Events', { exact: true }).fill(EVENT);
    await page.getByRole('button', { name: 'Create webhook', exact: true }).click();

    const secret = await page.getByLabel('Signing secret', { exact: true }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'I have saved it', exact: true }).click();
    await page.getByRole('heading', { name: 'Orders', exact: true }).waitFor();
    expect(await page.content()).not.toContain(secret);

    const webhookId = decodeURIComponent(/webhooks\/([^/?]+)/.exec(page.url())![1]);
    const { deliveries } = await suite.stack.herald.events.send(ws, { id: 'order-1-paid', type: EVENT, data: { orderId: '1' } });
    expect(deliveries.map((d) => d.webhookId)).toEqual([webhookId]);
    await suite.stack.herald.deliveries.waitFor(ws, deliveries[0].id, ['succeeded']);
    // The signature checks out with the secret the console showed.
    const [request] = await ok.waitFor(1);
    expect(() => new Verifier(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();

    await page.getByRole('link', { name: 'Deliveries of this webhook', exact: true }).click();
    const row = page.locator('tbody tr', { hasText: 'order-1-paid' });
    await row.locator('.badge', { hasText: 'succeeded' }).waitFor();
    await screenshot(page, 'deliveries');
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: 'Attempts', exact: true }).waitFor();
    expect(await textOf(page, '.attempt')).toMatch(/Attempt 1 at .* took .*:\s*HTTP 200/);
    expect(await textOf(page, '.heading-row .badge')).toBe('succeeded');
  });

  it("shows a failed attempt with the receiver's response, and Retry now delivers it", async () => {
    const flaky = await suite.receiver();
    flaky.script([{ status: 500, body: 'upstream exploded: <b>not bold</b>' }], { status: 200, body: 'ok' });
    const webhookId = await suite.stack.herald.webhooks.add(ws, { name: 'Flaky', url: flaky.url, events: [EVENT] });
    const { deliveries } = await suite.stack.herald.events.send(ws, { id: 'order-2-paid', type: EVENT, data: { orderId: '2' } });
    const delivery = deliveries.find((d) => d.webhookId === webhookId)!;
    // The fixed preset waits 300 s before its retry: the delivery stays pending with one failed attempt.
    await suite.stack.herald.deliveries.waitForAttempts(ws, delivery.id, 1);

    const { page } = await consoleFor(ws.key, ws.id);
    await openScreen(page, hashOf(`deliveries/${encodeURIComponent(delivery.id)}`));
    await page.getByText('upstream exploded: <b>not bold</b>', { exact: true }).waitFor();
    expect(await textOf(page, '.attempt')).toContain('HTTP 500');
    expect(await textOf(page, '.heading-row .badge')).toBe('pending');
    await screenshot(page, 'delivery');

    await page.getByRole('button', { name: 'Retry now', exact: true }).click();
    await page.locator('.heading-row .badge', { hasText: 'succeeded' }).waitFor();
    expect(await page.locator('.attempt').count()).toBe(2);
    expect(await page.locator('.attempt').nth(1).textContent()).toContain('HTTP 200');
    expect(flaky.requests).toHaveLength(2);
  });

  it('cancels a pending delivery', async () => {
    const down = await suite.receiver();
    down.script([], { status: 503, body: 'down' });
    const webhookId = await suite.stack.herald.webhooks.add(ws, { name: 'Cancelled', url: down.url, events: [EVENT] });
    const { deliveries } = await suite.stack.herald.events.send(ws, { id: 'order-7-paid', type: EVENT, data: { orderId: '7' } });
    const delivery = deliveries.find((d) => d.webhookId === webhookId)!;
    await suite.stack.herald.deliveries.waitForAttempts(ws, delivery.id, 1);

    const { page } = await consoleFor(ws.key, ws.id);
    await openScreen(page, hashOf(`deliveries/${encodeURIComponent(delivery.id)}`));
    await page.getByRole('button', { name: 'Cancel delivery', exact: true }).click();
    await page.locator('.heading-row .badge', { hasText: 'cancelled' }).waitFor();
    await page.getByText('Delivery cancelled.', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Retry now', exact: true }).count()).toBe(0);
    expect((await suite.stack.herald.deliveries.get(ws, delivery.id)).data.status).toBe('cancelled');
  });

  it('pauses a webhook, shows what its buffer holds, and resumes it with a replay in order', async () => {
    const target = await suite.receiver();
    const webhookId = await suite.stack.herald.webhooks.add(ws, { name: 'Paused', url: target.url, events: [EVENT] });
    const { page } = await consoleFor(ws.key, ws.id);
    await openScreen(page, hashOf(`webhooks/${webhookId}`));
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('button', { name: 'Pause webhook', exact: true }).click();
    await page.locator('.heading-row .badge', { hasText: 'Off' }).waitFor();
    expect(await textOf(page, 'ul.state')).toContain('deactivated manually');

    // Other webhooks of the workspace get these events too; this one buffers them.
    const sent = [];
    for (const n of [3, 4]) sent.push((await suite.stack.herald.events.send(ws, { id: `order-${n}-paid`, type: EVENT, data: { orderId: String(n) } })).eventId);
    await page.reload();
    await page.getByText('2 buffered events wait', { exact: false }).waitFor();
    await screenshot(page, 'webhook');
    // The list says the same: off, why, and what waits until when.
    await openScreen(page, hashOf('webhooks'));
    const listed = page.locator('tbody tr', { hasText: 'Paused' });
    await listed.getByText('2 buffered events wait', { exact: false }).waitFor();
    expect(await listed.locator('.badge').textContent()).toBe('Off');
    await screenshot(page, 'webhooks');
    await openScreen(page, hashOf(`webhooks/${webhookId}`));

    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    expect(await textOf(page, '.confirm')).toContain('2 buffered events wait');
    await page.getByRole('button', { name: 'Resume and replay', exact: true }).click();
    const replayed = await target.waitFor(2);
    expect(replayed.map(eventOf)).toEqual(sent);
    await page.locator('.heading-row .badge', { hasText: 'Active' }).waitFor();
    // Followed without a reload: the buffer empties as the replay runs.
    await page.locator('dl.settings div', { hasText: 'Buffered events' }).locator('dd', { hasText: /^0$/ }).waitFor();

    await openScreen(page, hashOf('webhooks'));
    await page.locator('tbody tr', { hasText: 'Paused' }).locator('.badge', { hasText: 'Active' }).waitFor();
  });

  it('rotates the signing secret and shows the new one once, with a copy button', async () => {
    const target = await suite.receiver();
    const webhookId = await suite.stack.herald.webhooks.add(ws, { name: 'Rotated', url: target.url, events: [EVENT], secret: true });
    const opened = await consoleFor(ws.key, ws.id);
    const { page } = opened;
    await opened.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.stack.baseUrl });
    await openScreen(page, hashOf(`webhooks/${webhookId}`));
    await page.getByRole('button', { name: 'Rotate signing secret', exact: true }).click();
    await page.getByRole('button', { name: 'Rotate secret', exact: true }).click();
    const secret = await page.getByLabel('Signing secret', { exact: true }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByText('Copied to the clipboard.', { exact: true }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    await screenshot(page, 'secret');

    // The new secret is the one that signs now.
    await suite.stack.herald.events.send(ws, { id: 'order-5-paid', type: EVENT, data: { orderId: '5' } });
    const [request] = await target.waitFor(1);
    expect(() => new Verifier(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();

    await page.getByRole('button', { name: 'I have saved it', exact: true }).click();
    await page.getByText('Signing secret rotated.', { exact: true }).waitFor();
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await page.getByRole('heading', { name: 'Rotated', exact: true }).waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(await page.evaluate('JSON.stringify(sessionStorage) + location.href')).not.toContain(secret);
  });

  it('keeps an XSS payload in an event and in a receiver’s response as inert text', async () => {
    const echo = await suite.receiver();
    echo.answerWith((request) => ({ status: 500, body: request.body }));
    const webhookId = await suite.stack.herald.webhooks.add(ws, { name: XSS, url: echo.url, events: [EVENT] });
    const { deliveries } = await suite.stack.herald.events.send(ws, { id: 'order-6-xss', type: EVENT, data: { note: XSS } });
    const delivery = deliveries.find((d) => d.webhookId === webhookId)!;
    await suite.stack.herald.deliveries.waitForAttempts(ws, delivery.id, 1);

    const { page } = await consoleFor(ws.key, ws.id);
    await page.getByRole('link', { name: XSS, exact: true }).waitFor();
    await openScreen(page, hashOf(`deliveries/${encodeURIComponent(delivery.id)}`));
    // As text in the receiver's answer (Attempts) and in the request Herald sent (Request).
    for (const region of ['Attempts', 'Request']) {
      await page.getByRole('region', { name: region }).getByText(`"note":"${XSS}"`, { exact: false }).waitFor();
    }
    await openScreen(page, hashOf(`webhooks/${webhookId}`));
    await page.getByRole('heading', { name: XSS, exact: true }).waitFor();
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
  });

  it('signs in with the admin key, which picks a workspace first', async () => {
    await suite.stack.herald.webhooks.add(ws, { name: 'Seen by the admin', url: (await suite.receiver()).url, events: [EVENT] });
    const { page } = await consoleFor(ADMIN_KEY);
    await page.getByRole('heading', { name: 'Workspaces', exact: true }).waitFor();
    await page.getByRole('row', { name: ws.id }).getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Seen by the admin', exact: true }).waitFor();
    expect(await textOf(page, '.who')).toContain(ws.id);
  });

  it('edits a webhook, sends it a test, and deletes it after a confirmation', async () => {
    const [before, after] = [await suite.receiver(), await suite.receiver()];
    const webhookId = await suite.stack.herald.webhooks.add(ws, { name: 'Edited', url: before.url, events: [EVENT] });
    const { page } = await consoleFor(ws.key, ws.id);
    await openScreen(page, hashOf(`webhooks/${webhookId}`));
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.getByLabel('URL', { exact: true }).fill(after.url);
    await page.getByLabel('Retry policy', { exact: true }).selectOption('max-attempts');
    await page.getByRole('button', { name: 'Save changes', exact: true }).click();
    await page.getByText('Webhook “Edited” saved.', { exact: true }).waitFor();
    expect(await textOf(page, 'dl.settings')).toContain(`POST ${after.url}`);
    const saved = (await suite.stack.herald.webhooks.get(ws, webhookId)).data;
    expect({ url: saved.url, preset: saved.retryPolicy.preset }).toEqual({ url: after.url, preset: 'max-attempts' });

    await page.getByRole('button', { name: 'Send test', exact: true }).click();
    await page.getByRole('heading', { name: 'Test: 1 of 1 succeeded', exact: true }).waitFor();
    expect(after.requests).toHaveLength(1);
    expect(before.requests).toHaveLength(0);

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Delete webhook', exact: true }).click();
    await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
    await page.getByText('Webhook “Edited” deleted.', { exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Edited', exact: true }).count()).toBe(0);
    expect((await suite.stack.herald.webhooks.get(ws, webhookId)).status).toBe(404);
  });

  it("shows the API's own message when Herald refuses a change", async () => {
    const { page } = await consoleFor(ws.key, ws.id);
    await openScreen(page, hashOf('webhooks/new'));
    await page.getByLabel('Name', { exact: true }).fill('x'.repeat(201));
    await page.getByLabel('URL', { exact: true }).fill('https://example.com/in');
    await page.getByLabel('Events', { exact: true }).fill(EVENT);
    await page.getByRole('button', { name: 'Create webhook', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'body.name' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/body\.name.*\(HTTP 400\)/);
  });

  it('labels every form control, on every screen', async () => {
    const { page } = await consoleFor(ws.key, ws.id);
    const unlabelled: Record<string, string[]> = {};
    for (const screen of ['webhooks/new', 'deliveries', 'recover', 'events', 'notifications']) {
      await openScreen(page, hashOf(screen));
      await page.locator('main h2').first().waitFor();
      await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
      unlabelled[screen] = await unlabelledControls(page);
    }
    expect(unlabelled).toEqual({ 'webhooks/new': [], deliveries: [], recover: [], events: [], notifications: [] });
    await openScreen(page, hashOf('deliveries'));
    expect(await page.locator('main input, main select').count()).toBeGreaterThan(3);
  });

  it('signs out: sessionStorage is empty and the sign-in form is back, also after a reload', async () => {
    const { page } = await consoleFor(ws.key, ws.id);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByLabel('API key', { exact: true }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.reload();
    await page.getByLabel('API key', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign out', exact: true }).count()).toBe(0);
  });

  it('says so when a key is refused', async () => {
    const opened = await suite.newPage();
    await opened.page.goto(`${suite.stack.baseUrl}/console/`);
    await opened.page.getByLabel('API key', { exact: true }).waitFor();
    expect(await unlabelledControls(opened.page)).toEqual([]);
    await opened.page.getByLabel('API key', { exact: true }).fill('hk_not-a-key');
    await opened.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // With GET /v1/session the refusal comes at once; without it, once the workspace is named.
    const prompt = opened.page.getByLabel('Workspace id', { exact: true });
    const refusal = opened.page.getByText('a valid API key is required', { exact: false });
    await prompt.or(refusal).first().waitFor();
    if (await prompt.isVisible()) {
      await prompt.fill(ws.id);
      await opened.page.getByRole('button', { name: 'Open workspace', exact: true }).click();
    }
    await refusal.waitFor();
    expect(await opened.page.evaluate('sessionStorage.length')).toBe(0);
  });
});
