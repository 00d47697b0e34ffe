// Notifications: webhooks switched off and on again, with the reactivation link when Herald has one.
import { html } from 'htm/preact';
import { useConsole, useLoad } from './hooks';
import { hashFor } from './route';
import type { Notification } from './types';
import { ErrorText, Pager, SafeLink, Time, useCursors } from './ui';

export function NotificationList() {
  const { api, ws } = useConsole();
  const cursors = useCursors();
  const list = useLoad(() => api.notifications(ws, cursors.cursor), [ws, cursors.cursor]);
  return html`<section aria-labelledby="notifications-title">
    <h2 id="notifications-title">Notifications</h2>
    ${list.error ? html`<${ErrorText} error=${list.error} />` : null}
    ${
      !list.data
        ? list.error
          ? null
          : html`<p aria-busy="true">Loading…</p>`
        : list.data.items.length === 0
          ? html`<p>No notification yet.</p>`
          : html`<ul class="notifications">
              ${list.data.items.map((notification: Notification) => html`<${NotificationItem} notification=${notification} key=${notification.id} />`)}
            </ul>`
    }
    <${Pager} page=${cursors.page} nextCursor=${list.data?.nextCursor} onNext=${cursors.next} onPrevious=${cursors.previous} />
  </section>`;
}

function NotificationItem({ notification }: { notification: Notification }) {
  const { ws } = useConsole();
  return html`<li class="card">
    <p><strong>${notification.type}</strong> · <${Time} iso=${notification.createdAt} /></p>
    <p>${notification.message}</p>
    <p class="links">
      <a href=${hashFor(ws, { name: 'webhook', id: notification.webhookId })}>Open the webhook</a>
      ${notification.activationUrl ? html`<${SafeLink} href=${notification.activationUrl}>Reactivation page</${SafeLink}>` : null}
      ${notification.deliveryId ? html`<a href=${hashFor(ws, { name: 'delivery', id: notification.deliveryId })}>Its delivery to the notification URL</a>` : null}
    </p>
  </li>`;
}
