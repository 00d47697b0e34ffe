// Small pieces every screen shares: errors with the API's message, badges, times, a pager over
// cursors, and an inline confirmation. Text is always a child, never markup: htm escapes it.
import type { ComponentChildren } from 'preact';
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { formatTime, type Tone } from './format';

/** An error as a person reads it: the API's own message, and its status. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.status ? `${error.message} (HTTP ${error.status})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

export function ErrorText({ error }: { error: unknown }) {
  return html`<p class="error">${messageOf(error)}</p>`;
}

export function Badge({ tone, children }: { tone: Tone; children: ComponentChildren }) {
  return html`<span class=${`badge badge-${tone}`}>${children}</span>`;
}

export function Time({ iso }: { iso: string | null | undefined }) {
  return iso ? html`<time datetime=${iso} title=${iso}>${formatTime(iso)}</time>` : html`<span>${formatTime(iso)}</span>`;
}

/**
 * Cursor pagination: the cursors that led to this page, so Previous can go back. A list whose
 * filters change is rendered with a new `key`, which starts it on page 1 again.
 */
export function useCursors() {
  const [stack, setStack] = useState<string[]>([]);
  const cursor = stack[stack.length - 1];
  return {
    cursor,
    page: stack.length + 1,
    next: (nextCursor: string) => setStack([...stack, nextCursor]),
    previous: () => setStack(stack.slice(0, -1)),
  };
}

export function Pager({
  page,
  nextCursor,
  onNext,
  onPrevious,
}: {
  page: number;
  nextCursor: string | null | undefined;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
}) {
  if (page === 1 && !nextCursor) return null;
  return html`<nav class="pager" aria-label="Pages">
    <button type="button" disabled=${page === 1} onClick=${onPrevious}>Previous page</button>
    <span>Page ${page}</span>
    <button type="button" disabled=${!nextCursor} onClick=${() => nextCursor && onNext(nextCursor)}>Next page</button>
  </nav>`;
}

/** A question with two buttons, shown in place of the action that asked it; focus moves to it. */
export function Confirm({
  question,
  children,
  busy,
  onCancel,
}: {
  question: string;
  /** The confirming buttons. */
  children: ComponentChildren;
  busy?: boolean;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.querySelector('button')?.focus(), []);
  return html`<div class="confirm" role="group" aria-label=${question} ref=${ref}>
    <p>${question}</p>
    <div class="actions">
      ${children}
      <button type="button" disabled=${busy} onClick=${onCancel}>Cancel</button>
    </div>
  </div>`;
}

/** A link to a screen, only when its target is an http(s) URL (never `javascript:`). */
export function SafeLink({ href, children }: { href: string; children: ComponentChildren }) {
  return /^https?:\/\//i.test(href) ? html`<a href=${href} rel="noreferrer noopener" target="_blank">${children}</a>` : html`<span>${children}</span>`;
}
