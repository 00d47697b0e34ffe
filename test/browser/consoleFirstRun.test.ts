// A first run from the browser alone, in headless Chromium against a real stack: the admin key
// creates a workspace and opens it, the event catalog gets a type, a webhook subscribes to it
// through the console's own form, and a portal link is minted, opened in a fresh browser, and
// revoked. Names and descriptions stay text.
import type { TestWorkspace } from '../support/client';
import { consoleSuite, openScreen, screenshot, signIn, textOf, unlabelledControls } from '../support/consolePage';
import { ADMIN_KEY } from '../support/stack';

const XSS = '<img src=x onerror=window.__xss=1>';

const suite = consoleSuite();

const hashOf = (ws: TestWorkspace, screen: string) => `#/ws/${ws.id}/${screen}`;

describe('the console on a first run', () => {
  it('creates a workspace from the picker with the admin key, and opens it; its name stays text', async () => {
    const { page } = await suite.newPage();
    await signIn(page, suite.stack.baseUrl, ADMIN_KEY);
    await page.getByRole('heading', { name: 'Workspaces', exact: true }).waitFor();
    expect(await page.getByText('POST /v1/workspaces', { exact: false }).count()).toBe(0);
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByLabel('Workspace name', { exact: true }).fill('First shop');
    await screenshot(page, 'create-workspace');
    await page.getByRole('button', { name: 'Create workspace', exact: true }).click();
    await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
    const ws = /#\/ws\/([^/]+)\/webhooks/.exec(page.url())?.[1];
    expect(ws).toBeTruthy();
    const listed = await suite.stack.herald.workspaces.list({ limit: 100 });
    expect(listed.data.find((w: { id: string }) => w.id === ws)?.name).toBe('First shop');
    expect(await textOf(page, '.who')).toContain(ws!);

    // An empty name is refused before any call; a hostile one is shown as text in the list.
    await page.getByRole('link', { name: 'Switch workspace', exact: true }).click();
    await page.getByRole('button', { name: 'Create workspace', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Workspace name: give the workspace a name' }).waitFor();
    await page.getByLabel('Workspace name', { exact: true }).fill(XSS);
    await page.getByRole('button', { name: 'Create workspace', exact: true }).click();
    await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Switch workspace', exact: true }).click();
    await page.getByRole('link', { name: XSS, exact: true }).waitFor();
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
  });

  it('adds an event type, then a webhook subscribed to it through the console’s form, which points at the catalog when an event is missing', async () => {
    const ws = await suite.stack.herald.workspace();
    const target = await suite.receiver();
    const { page } = await suite.newPage();
    await signIn(page, suite.stack.baseUrl, ws.key, ws.id);

    // Not in the catalog yet: Herald refuses, and the form links to the Event types screen.
    await openScreen(page, hashOf(ws, 'webhooks/new'));
    await page.getByLabel('Name', { exact: true }).fill('Invoices');
    await page.getByLabel('URL', { exact: true }).fill(target.url);
    await page.getByLabel('Events', { exact: true }).fill('invoice.paid');
    await page.getByRole('button', { name: 'Create webhook', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'unknown event types: invoice.paid' }).waitFor();
    expect(await page.locator('#events-not-in-catalog p').allTextContents()).toEqual([
      'Herald accepts only event types in the workspace’s catalog.',
      'Add them under Event types, then create the webhook again.',
    ]);
    await page.getByRole('link', { name: 'Add them under Event types', exact: true }).click();

    await page.getByRole('heading', { name: 'Event types', exact: true }).waitFor();
    expect(page.url()).toContain(hashOf(ws, 'event-types'));
    await page.getByText('No event type yet', { exact: false }).waitFor();
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByLabel('Name', { exact: true }).fill('invoice.paid');
    await page.getByLabel('Description (optional)', { exact: true }).fill(XSS);
    await page.getByRole('button', { name: 'Add event type', exact: true }).click();
    await page.getByText('Event type “invoice.paid” added.', { exact: true }).waitFor();
    const row = page.locator('table.event-types tbody tr', { hasText: 'invoice.paid' });
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(['invoice.paid', 'invoice', XSS]);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    const catalog = await suite.stack.herald.eventTypes.list(ws);
    expect(catalog.data).toEqual([{ name: 'invoice.paid', description: XSS, family: 'invoice' }]);
    await screenshot(page, 'event-types');

    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByRole('link', { name: 'New webhook', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('Invoices');
    await page.getByLabel('URL', { exact: true }).fill(target.url);
    await page.getByLabel('Events', { exact: true }).fill('invoice.paid');
    await page.getByLabel('Sign deliveries with a secret Herald generates (shown once)', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Create webhook', exact: true }).click();
    await page.getByRole('heading', { name: 'Invoices', exact: true }).waitFor();
    const { deliveries } = await suite.stack.herald.events.send(ws, { id: 'inv-1', type: 'invoice.paid', data: {} });
    expect(deliveries).toHaveLength(1);
    await target.waitFor(1);
  });

  it('mints a portal link for one webhook, shown once; a fresh browser sees only that webhook, until it is revoked', async () => {
    const ws = await suite.stack.herald.workspace(['order.paid']);
    const target = await suite.receiver();
    const mine = await suite.stack.herald.webhooks.add(ws, { name: 'Customer hook', url: target.url, events: ['order.paid'] });
    await suite.stack.herald.webhooks.add(ws, { name: 'Internal hook', url: target.url, events: ['order.paid'] });

    const { page } = await suite.newPage();
    await signIn(page, suite.stack.baseUrl, ws.key, ws.id);
    await page.getByRole('link', { name: 'Portal links', exact: true }).click();
    await page.getByRole('heading', { name: 'Portal links', exact: true }).waitFor();
    await page.getByText('shown once', { exact: false }).first().waitFor();
    await page.getByLabel(`Customer hook ${mine}`, { exact: true }).waitFor();
    expect(await page.getByLabel('Lifetime in seconds', { exact: true }).inputValue()).toBe('3600');
    expect(await unlabelledControls(page)).toEqual([]);

    // Nothing ticked: refused before any call.
    await page.getByRole('button', { name: 'Create portal link', exact: true }).click();
    await page.getByText('Webhooks: tick at least one webhook the link opens', { exact: true }).waitFor();

    await page.getByLabel(`Customer hook ${mine}`, { exact: true }).check();
    await page.getByLabel('Lifetime in seconds', { exact: true }).fill('600');
    const before = Date.now();
    await page.getByRole('button', { name: 'Create portal link', exact: true }).click();
    const shown = page.getByLabel('Portal link', { exact: true });
    await shown.waitFor();
    const address = await shown.inputValue();
    // No HERALD_PUBLIC_URL in this stack: the console's own address, the token in the fragment.
    expect(address).toMatch(new RegExp(`^${suite.stack.baseUrl.replace(/\./g, '\\.')}/console/#portal=.+`));
    const expiry = await page.locator('[role="group"] time').getAttribute('datetime');
    const lifetime = Date.parse(expiry!) - before;
    expect(lifetime).toBeGreaterThan(590_000);
    expect(lifetime).toBeLessThan(660_000);
    expect(await textOf(page, '[role="group"]')).toContain('Opens 1 webhook(s).');
    await page.getByRole('button', { name: 'Copy', exact: true }).waitFor();
    await screenshot(page, 'portal-link');
    expect(await page.evaluate('JSON.stringify(sessionStorage) + JSON.stringify(localStorage) + location.href')).not.toContain(address.split('#portal=')[1]);

    // The customer, in a browser of their own.
    const customer = await suite.newPage();
    await customer.page.goto(address);
    await customer.page.getByRole('link', { name: 'Customer hook', exact: true }).waitFor();
    expect(await customer.page.getByText('Internal hook', { exact: true }).count()).toBe(0);
    for (const hidden of ['Event types', 'Portal links', 'Notifications']) {
      expect(await customer.page.getByRole('link', { name: hidden, exact: true }).count()).toBe(0);
    }

    await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    await page.getByText('Portal link revoked: it opens nothing any more.', { exact: true }).waitFor();
    expect(await page.getByLabel('Portal link', { exact: true }).count()).toBe(0);

    // Revoked: the same address in another fresh browser is refused and ends at the sign-in form.
    const late = await suite.newPage();
    await late.page.goto(address);
    await late.page.getByLabel('API key', { exact: true }).waitFor();
    expect(await late.page.getByRole('link', { name: 'Customer hook', exact: true }).count()).toBe(0);
    expect(await late.page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('mints a link for an app, and hides Portal links from a key without webhooks:write', async () => {
    const ws = await suite.stack.herald.workspace(['order.paid']);
    const { page } = await suite.newPage();
    await signIn(page, suite.stack.baseUrl, ws.key, ws.id);
    await openScreen(page, hashOf(ws, 'portal-links'));
    await page.getByLabel('Every webhook of one app, those created later included', { exact: true }).check();
    await page.getByLabel('App', { exact: true }).fill('shop-42');
    await page.getByRole('button', { name: 'Create portal link', exact: true }).click();
    await page.getByLabel('Portal link', { exact: true }).waitFor();
    expect(await textOf(page, '[role="group"]')).toContain('Opens every webhook of the app shop-42.');

    const readOnly = await suite.stack.herald.workspaces.createKey(ws.id, { scopes: ['webhooks:read', 'deliveries:read'] });
    expect(readOnly.status).toBe(201);
    const other = await suite.newPage();
    await signIn(other.page, suite.stack.baseUrl, readOnly.data.key as string, ws.id);
    await other.page.getByRole('link', { name: 'Event types', exact: true }).waitFor();
    expect(await other.page.getByRole('link', { name: 'Portal links', exact: true }).count()).toBe(0);
  });
});
