// The pages of a deactivated webhook's one-click activation link (src/api/routes/activationLinks.ts):
// what happened and the two choices, what the choice started, and why a link is refused. A refusal
// says nothing of the webhook: whoever holds a bad link learns only what is wrong with the link.
import type { ComponentChildren } from 'preact';
import type { LinkOutcome, LinkRefusal, OpenLink } from '../../services/activationLinks';
import { html, type Page } from './document';

/** From `/reactivate/{token}`; the result page is one level deeper. */
const LINK_TO_ROOT = '../';
const RESULT_TO_ROOT = '../../';

/** `2026-12-03 18:02:11 UTC`, in a <time> element that machines read too. */
const when = (at: Date): ComponentChildren => html`<time datetime=${at.toISOString()}>${at.toISOString().replace('T', ' ').slice(0, 19)} UTC</time>`;

const events = (count: number) => (count === 1 ? '1 event' : `${count} events`);

/** The link's page: the webhook, why and when it was switched off, its buffer, and the two choices. */
export function activationPage(link: OpenLink, token: string): Page {
  const { webhook, buffered } = link;
  return {
    title: 'Webhook switched off',
    toRoot: LINK_TO_ROOT,
    body: html`
      <h1>Webhook “${webhook.name}” is switched off</h1>
      <p>Herald stopped delivering to this webhook. Events for it are kept in its buffer until the time below.</p>
      <dl>
        <dt>Webhook</dt>
        <dd>${webhook.name}</dd>
        <dt>URL</dt>
        <dd><code>${webhook.url}</code></dd>
        <dt>Why</dt>
        <dd>${webhook.deactivationReason ?? 'switched off'}</dd>
        <dt>Switched off</dt>
        <dd>${webhook.deactivatedAt ? when(webhook.deactivatedAt) : null}</dd>
        <dt>Waiting</dt>
        <dd><strong data-testid="buffered">${events(buffered)}</strong> in the buffer</dd>
        <dt>Kept until</dt>
        <dd>${when(link.bufferUntil)}; later events are dropped</dd>
      </dl>
      <form method="post" action=${token}>
        <button type="submit" class="primary" name="choice" value="replay">Reactivate and replay them in order</button>
        <button type="submit" class="secondary" name="choice" value="discard">Reactivate and discard them</button>
      </form>
      <p class="muted">Opening this page changed nothing. The link works once, until the buffer closes.</p>
    `,
  };
}

/** What the used link started, current at every refresh: the replay's progress, or the discard. */
export function resultPage(outcome: LinkOutcome): Page {
  const { webhook, used, buffered } = outcome;
  const switchedOffSince = !webhook.active && webhook.deactivatedAt !== undefined && webhook.deactivatedAt.getTime() > used.usedAt.getTime();
  let progress: ComponentChildren;
  if (switchedOffSince) {
    progress = html`<p>It has been switched off again since: ${webhook.deactivationReason ?? 'switched off'}.</p>`;
  } else if (used.choice === 'discard') {
    progress =
      buffered === 0
        ? html`<p>The ${events(used.buffered)} that were waiting were discarded.</p>`
        : html`<p>Discarding the buffer: ${events(buffered)} left.</p>`;
  } else if (webhook.replay) {
    progress = html`<p>Replaying the buffer in order: <strong>${webhook.replay.done} of ${webhook.replay.total}</strong> re-sent.</p>`;
  } else {
    progress =
      buffered === 0
        ? html`<p>Replay finished: the ${events(used.buffered)} that were waiting were re-sent in order.</p>`
        : html`<p>Replaying the buffer in order: ${events(buffered)} still waiting.</p>`;
  }
  return {
    title: 'Webhook reactivated',
    toRoot: RESULT_TO_ROOT,
    body: html`
      <h1>Webhook “${webhook.name}” is switched on</h1>
      <dl>
        <dt>Webhook</dt>
        <dd>${webhook.name}</dd>
        <dt>URL</dt>
        <dd><code>${webhook.url}</code></dd>
        <dt>Reactivated</dt>
        <dd>${when(used.usedAt)}, ${used.choice === 'replay' ? 'replaying the buffer' : 'discarding the buffer'}</dd>
      </dl>
      <div role="status">${progress}</div>
      <p><a href="result">Refresh</a> to see how it goes on. Each delivery's attempts are in the API (<code>GET /v1/…/deliveries</code>).</p>
    `,
  };
}

const REFUSALS: Record<LinkRefusal, { status: number; title: string; text: string }> = {
  invalid: {
    status: 404,
    title: 'This link is not valid',
    text: 'It may have been cut short or altered. Copy the whole link from the notification, or switch the webhook on through the API.',
  },
  expired: {
    status: 410,
    title: 'This link has expired',
    text: 'A link works until the buffer of the webhook it was sent for closes. Switch the webhook on through the API.',
  },
  used: {
    status: 410,
    title: 'This link has already been used',
    text: 'Each link works once. Whatever it started goes on; the API shows the webhook as it is now.',
  },
  over: {
    status: 410,
    title: 'This link no longer applies',
    text: 'The webhook has been switched back on, switched off again, or deleted since this link was sent. A newer notification carries a link of its own.',
  },
};

/** A refused link: its status and a page that names what is wrong with the link, and nothing else. */
export function refusalPage(refusal: LinkRefusal, depth: 'link' | 'result' = 'link'): { status: number; page: Page } {
  const { status, title, text } = REFUSALS[refusal];
  return { status, page: problemPage(title, text, depth) };
}

/** A page that says what went wrong, in a sentence. */
export function problemPage(title: string, text: string, depth: 'link' | 'result' = 'link'): Page {
  return {
    title,
    toRoot: depth === 'link' ? LINK_TO_ROOT : RESULT_TO_ROOT,
    problem: true,
    body: html`<h1>${title}</h1>
      <p>${text}</p>`,
  };
}
