// The browser console as its tests drive it: a page that records every CSP violation and script
// error, signing in, and screenshots for docs/ when HERALD_UPDATE_SCREENSHOTS=1 asks for them.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './browser';
import { startReceiver, type Receiver } from './receiver';
import { startHerald, type HeraldStack } from './stack';

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** CSP violations (from `securitypolicyviolation` events and console messages) and uncaught errors. */
  problems: string[];
  close(): Promise<void>;
}

const IMAGES = path.join(__dirname, '..', '..', 'docs', 'images');

/** A fresh context and page, 1280×900, that records what the CSP refused and what threw. */
export async function openConsolePage(browser: TestBrowser): Promise<ConsolePage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const problems: string[] = [];
  // Injected through the browser's devtools protocol, not by the page, so the CSP does not apply to
  // it. Browser code is given as text: the tests are compiled without the DOM's types.
  await page.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => { (window.__cspViolations ??= []).push(e.violatedDirective + ' ' + e.blockedURI); });",
  );
  page.on('console', (message) => {
    if (/content security policy/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { page, context, problems, close: () => context.close() };
}

/** What the page recorded: CSP violations and errors; [] when there were none. */
export async function problemsOf(opened: ConsolePage): Promise<string[]> {
  const violations = await opened.page.evaluate<string[]>('window.__cspViolations ?? []');
  return [...violations.map((violation) => `CSP violation: ${violation}`), ...opened.problems];
}

/**
 * Opens /console/ and signs in with `key`. A Herald without GET /v1/session asks a workspace key
 * for its workspace once; `ws` answers it.
 */
export async function signIn(page: Page, baseUrl: string, key: string, ws?: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('API key', { exact: true }).fill(key);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const prompt = page.getByLabel('Workspace id', { exact: true });
  const signedIn = page.getByRole('button', { name: 'Sign out', exact: true });
  await prompt.or(signedIn).first().waitFor();
  if (ws && (await prompt.isVisible())) {
    await prompt.fill(ws);
    await page.getByRole('button', { name: 'Open workspace', exact: true }).click();
  }
  await signedIn.waitFor();
  // The console then opens the workspace by its address; a screen opened before that would be replaced.
  // (Judged here, not in the page: the page's CSP refuses the eval a string predicate needs.)
  if (ws) await page.waitForURL((url) => url.hash.startsWith(`#/ws/${ws}/`));
}

/** Opens a screen of the console by its address after `#` (the page is signed in already). */
export async function openScreen(page: Page, hash: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
}

/** The text of the first element matching `selector` once it shows. */
export async function textOf(page: Page, selector: string): Promise<string> {
  const locator = page.locator(selector).first();
  await locator.waitFor();
  return (await locator.textContent()) ?? '';
}

/** Saves a screenshot as docs/images/console-<name>.png, only with HERALD_UPDATE_SCREENSHOTS=1 (so test runs leave docs/ alone). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.HERALD_UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(IMAGES, { recursive: true });
  await page.screenshot({ path: path.join(IMAGES, `console-${name}.png`), fullPage: true });
}

/**
 * Form controls on the page that have no label: neither a `<label for>`, nor an aria-label, nor
 * an aria-labelledby. Read through locators only (the page's CSP refuses the eval a script would need).
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  const missing: string[] = [];
  const controls = page.locator('input, select, textarea');
  for (let i = 0; i < (await controls.count()); i++) {
    const control = controls.nth(i);
    const [id, ariaLabel, labelledBy] = await Promise.all([
      control.getAttribute('id'),
      control.getAttribute('aria-label'),
      control.getAttribute('aria-labelledby'),
    ]);
    if (ariaLabel || labelledBy) continue;
    if (id && (await page.locator(`label[for="${id}"]`).count()) > 0) continue;
    missing.push(id ?? `control ${i + 1} (without an id)`);
  }
  return missing;
}

/** What the console's browser suites share: one stack and one browser per file. */
export interface ConsoleSuite {
  /** The stack, once the suite's beforeAll has run. */
  readonly stack: HeraldStack;
  /** A fresh console page, checked for CSP violations and errors when its test ends. */
  newPage(): Promise<ConsolePage>;
  /** A local receiver, closed when the file ends. */
  receiver(): Promise<Receiver>;
}

/**
 * Registers, where it is called (a test file's top level), the hooks a console suite needs: a
 * stack and a browser before all, after each test a check that none of its pages met a CSP
 * violation or an error, and everything closed after all.
 */
export function consoleSuite(): ConsoleSuite {
  let stack: HeraldStack | undefined;
  let browser: TestBrowser | undefined;
  const receivers: Receiver[] = [];
  const pages: ConsolePage[] = [];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startHerald(), launchBrowser()]);
  });
  afterEach(async () => {
    const problems: string[] = [];
    for (const opened of pages.splice(0)) {
      problems.push(...(await problemsOf(opened)));
      await opened.close();
    }
    expect(problems).toEqual([]);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await browser?.close();
    await stack?.stop();
  });

  return {
    get stack() {
      if (!stack) throw new Error('the console suite has not started yet');
      return stack;
    },
    async newPage() {
      if (!browser) throw new Error('the console suite has not started yet');
      const opened = await openConsolePage(browser);
      pages.push(opened);
      return opened;
    },
    async receiver() {
      const started = await startReceiver();
      receivers.push(started);
      return started;
    },
  };
}
