// Webhooks: each with its state (active; off and why; buffered events and until when; a replay's
// progress; a failure streak), followed without a reload while a replay runs.
import { html } from 'htm/preact';
import type { HeraldApi } from './api';
import { webhookState } from './format';
import { useConsole, useLoad, usePolling } from './hooks';
import { hashFor } from './route';
import type { Page, Webhook } from './types';
import { Badge, ErrorText, Pager, useCursors } from './ui';

/** A page of webhooks; the ones that are off with their buffered count (only GET of one webhook has it). */
async function webhooksWithBuffers(api: HeraldApi, ws: string, cursor?: string): Promise<Page<Webhook>> {
  const page = await api.webhooks(ws, cursor, 50);
  const items = await Promise.all(page.items.map(async (webhook) => (webhook.active ? webhook : api.webhook(ws, webhook.id).catch(() => webhook))));
  return { items, nextCursor: page.nextCursor };
}

export function WebhookList() {
  const { api, ws, session } = useConsole();
  const cursors = useCursors();
  const list = useLoad(() => webhooksWithBuffers(api, ws, cursors.cursor), [ws, cursors.cursor]);
  usePolling(Boolean(list.data?.items.some((webhook) => webhook.replay)), list.reload);
  // A portal scoped to given webhooks cannot add one; one scoped to an app can (it lands in the app).
  const canCreate = session.kind !== 'portal' || Boolean(session.app);
  const now = Date.now();
  return html`<section aria-labelledby="webhooks-title">
    <div class="heading-row">
      <h2 id="webhooks-title">Webhooks</h2>
      ${canCreate ? html`<a class="button primary" href=${hashFor(ws, { name: 'new-webhook' })}>New webhook</a>` : null}
    </div>
    ${list.error ? html`<${ErrorText} error=${list.error} />` : null}
    ${
      !list.data
        ? list.error
          ? null
          : html`<p aria-busy="true">Loading…</p>`
        : list.data.items.length === 0
          ? html`<p>No webhook yet.</p>`
          : html`<table class="webhooks">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">URL</th>
                  <th scope="col">Events</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                ${list.data.items.map((webhook) => {
                  const state = webhookState(webhook, now);
                  return html`<tr key=${webhook.id}>
                  <td><a href=${hashFor(ws, { name: 'webhook', id: webhook.id })}>${webhook.name}</a></td>
                  <td class="url">${webhook.url}</td>
                  <td>${webhook.events.join(', ')}</td>
                  <td>
                    <${Badge} tone=${state.tone}>${state.label}</${Badge}>
                    ${state.details.map((line) => html`<div class="detail">${line}</div>`)}
                  </td>
                </tr>`;
                })}
              </tbody>
            </table>`
    }
    <${Pager} page=${cursors.page} nextCursor=${list.data?.nextCursor} onNext=${cursors.next} onPrevious=${cursors.previous} />
  </section>`;
}
