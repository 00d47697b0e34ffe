// One-click reactivation in headless Chromium, as a person meets it: an endpoint fails and is
// switched off, the link of its notification is opened, the page tells how many events wait, and
// "Reactivate and replay them in order" delivers them to the receiver in the order they came.
// Also: a webhook whose name is markup shows the name as text, and no page runs a script.
// HERALD_UPDATE_SCREENSHOTS=1 writes the page's picture to docs/images/activation.png.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../support/browser';
import type { Receiver } from '../support/receiver';
import { startHeraldWithLinks, type HeraldStack } from '../support/stack';
import { deliveriesOf, eventOf, switchedOffWebhook, WAIT } from '../support/switchedOff';
import { eventually } from '../support/eventually';

const SCREENSHOT = path.join(__dirname, '..', '..', 'docs', 'images', 'activation.png');

let stack: HeraldStack;
let browser: TestBrowser;
let context: BrowserContext;
const receivers: Receiver[] = [];

/**
 * A fresh page that records every dialog (an alert would mean a script ran), every console error
 * (a CSP violation logs one) and every failed load but the browser's own favicon request.
 */
async function watchedPage(): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && new URL(response.url()).pathname !== '/favicon.ico') errors.push(`${response.status()} ${response.url()}`);
  });
  page.on('console', (message) => {
    // A failed load is logged without its address; the responses above name it.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, dialogs, errors };
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startHeraldWithLinks(), launchBrowser()]);
  context = await browser.newContext();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await stack?.stop();
});

it('opens the link of a deactivated webhook, shows its buffer, and "Reactivate and replay" delivers the buffered events in order', async () => {
  const off = await switchedOffWebhook(stack.herald, { name: 'Orders to the warehouse', extra: 3, receivers });
  const { page, dialogs, errors } = await watchedPage();

  const opened = await page.goto(off.notification.activationUrl);
  expect(opened?.status()).toBe(200);
  expect(await page.title()).toBe('Webhook switched off · Herald');
  expect(await page.getByTestId('buffered').textContent()).toBe('5 events');
  expect(await page.locator('dd code').textContent()).toBe(off.down.url);
  const picture = await page.screenshot({ fullPage: true });
  expect(picture.subarray(1, 4).toString('latin1')).toBe('PNG');
  if (process.env.HERALD_UPDATE_SCREENSHOTS === '1') writeFileSync(SCREENSHOT, picture);

  // The stylesheet came from Herald and applied: the primary button is filled. (Expressions as
  // text: the tests are compiled without the DOM's types.)
  const replay = page.getByRole('button', { name: 'Reactivate and replay them in order' });
  const style = (selector: string, property: string) => page.evaluate(`getComputedStyle(document.querySelector('${selector}')).${property}`);
  expect(await style('button.primary', 'backgroundColor')).toBe('rgb(11, 79, 168)');
  // Keyboard: the first Tab reaches the first choice, and its focus ring shows.
  await page.keyboard.press('Tab');
  expect(await page.evaluate('document.activeElement.textContent')).toBe('Reactivate and replay them in order');
  expect(await style('button.primary:focus-visible', 'outlineStyle')).toBe('solid');

  // Opening the page changed nothing: the webhook is still off, its buffer whole.
  expect((await stack.herald.webhooks.get(off.ws, off.webhookId)).data).toMatchObject({ active: false, bufferedDeliveries: 5 });

  off.down.script([], { status: 200, body: 'ok' });
  const from = off.down.requests.length;
  await Promise.all([page.waitForURL(/\/result$/), replay.click()]);
  expect(await page.locator('h1').textContent()).toBe('Webhook “Orders to the warehouse” is switched on');

  await eventually(async () => (await deliveriesOf(stack.herald, off.ws, off.webhookId, 'succeeded')).length === off.buffered.length, {
    ...WAIT,
    what: 'the buffered deliveries to succeed',
  });
  expect(off.down.requests.slice(from).map(eventOf)).toEqual(off.buffered);

  // A refresh shows the replay over (no script: the page is rendered anew by the server).
  await eventually(
    async () => {
      await page.reload();
      return (await page.locator('[role=status]').textContent())?.includes('Replay finished: the 5 events that were waiting were re-sent in order.');
    },
    { ...WAIT, what: 'the result page to show the replay finished' },
  );
  expect({ dialogs, errors }).toEqual({ dialogs: [], errors: [] });
});

it('shows a webhook named with markup as text, and runs nothing', async () => {
  const name = '<img src=x onerror=alert(1)>';
  const off = await switchedOffWebhook(stack.herald, { name, receivers });
  const { page, dialogs, errors } = await watchedPage();

  expect((await page.goto(off.notification.activationUrl))?.status()).toBe(200);
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('h1').textContent()).toBe(`Webhook “${name}” is switched off`);
  expect(await page.locator('dd').first().textContent()).toBe(name);
  expect({ dialogs, errors }).toEqual({ dialogs: [], errors: [] });
});
