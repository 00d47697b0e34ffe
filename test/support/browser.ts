// Headless Debian Chromium for the browser tests, driven by playwright-core (which downloads no
// browser). `npm test`'s pretest installs /usr/bin/chromium (scripts/bootstrap.sh --with-browser);
// HERALD_CHROMIUM names another binary.
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext } from 'playwright-core';

export interface TestBrowser {
  browser: Browser;
  /** A fresh context: no cookies or storage shared with any other. */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

// This machine's network is closed: without these, Chromium keeps trying to reach Google's hosts.
const QUIET_FLAGS = [
  '--no-sandbox', // tests run as root here
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<TestBrowser> {
  // playwright gives every launch an empty profile of its own, and removes it on close.
  const executablePath = process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath, headless: true, args: [...QUIET_FLAGS] });
  return {
    browser,
    newContext: () => browser.newContext(),
    close: () => browser.close(),
  };
}
