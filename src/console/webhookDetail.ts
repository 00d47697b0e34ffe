// One webhook: its settings, its state (followed without a reload while a replay runs), its
// success rate and latency, what can be done to it, and the way to its deliveries and recoveries.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatDuration, presetOf, webhookState } from './format';
import { useConsole, useLoad, usePolling } from './hooks';
import { hashFor } from './route';
import { WebhookStats } from './statsChart';
import type { Webhook } from './types';
import { Badge, ErrorText, Time } from './ui';
import { WebhookActions } from './webhookActions';

/** A replay runs, or is about to: the webhook is on again with events still in its buffer. */
const replaying = (webhook: Webhook) => Boolean(webhook.replay) || (webhook.active && (webhook.bufferedDeliveries ?? 0) > 0);

export function WebhookDetail({ id }: { id: string }) {
  const { api, ws } = useConsole();
  const loaded = useLoad(() => api.webhook(ws, id), [ws, id]);
  const [webhook, setWebhook] = useState<Webhook>();
  useEffect(() => setWebhook(loaded.data), [loaded.data]);
  usePolling(Boolean(webhook && replaying(webhook)), loaded.reload);

  if (!webhook) {
    return html`<section>
      <h2>Webhook</h2>
      ${loaded.error ? html`<${ErrorText} error=${loaded.error} />` : html`<p aria-busy="true">Loading…</p>`}
    </section>`;
  }
  const state = webhookState(webhook, Date.now());
  const deliveries = new URLSearchParams({ webhookId: webhook.id });
  return html`<section aria-labelledby="webhook-title">
    <p class="crumbs"><a href=${hashFor(ws, { name: 'webhooks' })}>Webhooks</a></p>
    <div class="heading-row">
      <h2 id="webhook-title">${webhook.name}</h2>
      <${Badge} tone=${state.tone}>${state.label}</${Badge}>
    </div>
    ${
      state.details.length
        ? html`<ul class="state">
            ${state.details.map((line) => html`<li>${line}</li>`)}
          </ul>`
        : null
    }
    ${loaded.error ? html`<${ErrorText} error=${loaded.error} />` : null}
    <dl class="settings">
      <div><dt>Id</dt><dd><code>${webhook.id}</code></dd></div>
      <div><dt>URL</dt><dd class="url">${webhook.method} ${webhook.url}</dd></div>
      <div><dt>Events</dt><dd>${webhook.events.join(', ')}</dd></div>
      ${
        webhook.app
          ? html`<div>
              <dt>App</dt>
              <dd>${webhook.app}</dd>
            </div>`
          : null
      }
      <div><dt>Body format</dt><dd>${webhook.contentType}</dd></div>
      <div><dt>Retry policy</dt><dd>${presetOf(webhook)}, timeout ${formatDuration(webhook.timeoutMs)}</dd></div>
      <div>
        <dt>Signing</dt>
        <dd>
          ${webhook.hasSecret ? 'Signed (Standard Webhooks)' : 'Not signed'}
          ${webhook.previousSecretExpiresAt ? html`; the previous secret also signs until <${Time} iso=${webhook.previousSecretExpiresAt} />` : null}
        </dd>
      </div>
      ${
        webhook.bufferedDeliveries !== undefined
          ? html`<div>
              <dt>Buffered events</dt>
              <dd>${webhook.bufferedDeliveries}</dd>
            </div>`
          : null
      }
      <div><dt>Created</dt><dd><${Time} iso=${webhook.createdAt} /></dd></div>
    </dl>
    <p class="links">
      <a href=${hashFor(ws, { name: 'deliveries', params: deliveries })}>Deliveries of this webhook</a>
      <a href=${hashFor(ws, { name: 'recover', webhookId: webhook.id })}>Recover failed deliveries</a>
    </p>
    <${WebhookActions} webhook=${webhook} onChange=${(next: Webhook) => setWebhook(next)} />
    <${WebhookStats} id=${webhook.id} />
  </section>`;
}
