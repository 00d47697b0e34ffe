// The HTML shell every page Herald serves shares: the document around a page's body, its one
// stylesheet, and the headers that keep a page from being framed, cached, sniffed or scripted.
// Pages are preact trees written with htm and rendered to a string on the server, so every value
// put into them (a webhook's name, a receiver's answer) is escaped by construction; no page sets
// raw HTML and none needs a script.
import htm from 'htm';
import { h, type ComponentChildren, type VNode } from 'preact';
import { render } from 'preact-render-to-string';
import type { FastifyReply } from 'fastify';

/**
 * htm bound to preact: html`<p>${text}</p>` is a tree whose text is escaped when rendered; a
 * template with several top-level elements gives a list of them.
 */
export const html = htm.bind(h) as (strings: TemplateStringsArray, ...values: unknown[]) => VNode | VNode[];

/** Served by Herald itself (the content security policy allows no other origin). */
export const STYLESHEET_PATH = '/assets/herald.css';

/**
 * Plain, legible, and usable from the keyboard: body text at about 15:1 contrast, links and
 * buttons above 7:1, and a focus ring that every interactive element shows.
 */
export const STYLESHEET = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --line: #d0d0d0; --accent: #0b4fa8; --accent-ink: #ffffff; --warn: #8a1c00; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fafafa; }
main { max-width: 42rem; margin: 3rem auto; padding: 2rem; background: #ffffff; border: 1px solid var(--line); border-radius: 8px; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1rem; }
p { margin: 0 0 1rem; }
.muted { color: var(--muted); font-size: 0.9375rem; }
.problem h1 { color: var(--warn); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.5rem 1.25rem; margin: 0 0 1.5rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
code { font: 0.9375rem/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f0f0f0; padding: 0.1rem 0.3rem; border-radius: 4px; }
form { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 0 0 1.5rem; }
button { font: inherit; font-weight: 600; padding: 0.7rem 1.1rem; border-radius: 6px; border: 2px solid var(--accent); cursor: pointer; }
button.primary { background: var(--accent); color: var(--accent-ink); }
button.secondary { background: #ffffff; color: var(--accent); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible { outline: 3px solid #000000; outline-offset: 3px; box-shadow: 0 0 0 6px #ffd60a; }
`;

/**
 * The headers of every HTML answer: a strict content security policy, no caching, no referrer (the
 * URL may be a capability). `frameAncestors`: who may frame the page, nobody unless a page says
 * otherwise (the customer portal will).
 */
export function pageHeaders(frameAncestors = "'none'"): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      `frame-ancestors ${frameAncestors}`,
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-robots-tag': 'noindex, nofollow',
  };
}

export interface Page {
  title: string;
  body: ComponentChildren;
  /** The way from the page's URL to the root, e.g. `../` for `/reactivate/{token}`: links stay right behind a path prefix. */
  toRoot: string;
  /** Marks a page that says something went wrong, for its styling. */
  problem?: boolean;
}

/** The whole document, as text. */
export function renderPage(page: Page): string {
  const stylesheet = `${page.toRoot}${STYLESHEET_PATH.slice(1)}`;
  // One top-level element, so one tree.
  const tree = html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex, nofollow" />
      <title>${page.title} · Herald</title>
      <link rel="stylesheet" href=${stylesheet} />
    </head>
    <body>
      <main class=${page.problem ? 'problem' : undefined}>${page.body}</main>
    </body>
  </html>` as VNode;
  return `<!doctype html>${render(tree)}`;
}

/** Sends the page with its status and headers. */
export function sendPage(reply: FastifyReply, status: number, page: Page): FastifyReply {
  return reply.code(status).headers(pageHeaders()).send(renderPage(page));
}
