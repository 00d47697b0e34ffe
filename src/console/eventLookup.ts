// Events: look one up by its id and see where it went. The payload is shown as received, as text.
// On a Herald without GET /events/{id}, its deliveries are found through the delivery list.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { ApiError, isMissingRoute, type HeraldApi } from './api';
import { statusTone } from './format';
import { useConsole, useLoad } from './hooks';
import { hashFor } from './route';
import type { EventDelivery, EventRecord } from './types';
import { Badge, ErrorText, Time } from './ui';

type Found = { event: EventRecord } | { id: string; deliveries: EventDelivery[] } | null;

async function lookUp(api: HeraldApi, ws: string, id: string): Promise<Found> {
  try {
    return { event: await api.event(ws, id) };
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    if (!isMissingRoute(error)) return null;
  }
  const page = await api.deliveries(ws, { eventId: id }, undefined, 200);
  if (page.items.length === 0) return null;
  return { id, deliveries: page.items.map((d) => ({ id: d.id, webhookId: d.webhookId, status: d.status, attempts: d.attempts.length })) };
}

export function EventLookup({ id }: { id?: string }) {
  const { api, ws, go } = useConsole();
  const [draft, setDraft] = useState(id ?? '');
  const found = useLoad(() => (id ? lookUp(api, ws, id) : Promise.resolve(undefined)), [ws, id]);
  const submit = (event: Event) => {
    event.preventDefault();
    if (draft.trim()) go({ name: 'events', id: draft.trim() });
  };
  return html`<section aria-labelledby="events-title">
    <h2 id="events-title">Events</h2>
    <form class="card inline-form" onSubmit=${submit} aria-label="Look up an event">
      <label for="event-id">Event id</label>
      <input id="event-id" class="mono" value=${draft} onInput=${(e: Event) => setDraft((e.target as HTMLInputElement).value)} />
      <button type="submit" class="primary">Look up</button>
    </form>
    ${found.error ? html`<${ErrorText} error=${found.error} />` : null}
    ${id && found.data === null ? html`<p>No event with the id <span class="mono">${id}</span> in this workspace.</p>` : null}
    ${found.data ? html`<${EventView} found=${found.data} />` : null}
  </section>`;
}

function EventView({ found }: { found: Exclude<Found, null> }) {
  const { ws } = useConsole();
  const deliveries = 'event' in found ? found.event.deliveries : found.deliveries;
  return html`<div>
    ${
      'event' in found
        ? html`<section class="card" aria-labelledby="event-title">
            <h3 id="event-title">Event <span class="mono">${found.event.id}</span></h3>
            <dl class="settings">
              <div>
                <dt>Type</dt>
                <dd>${found.event.type}</dd>
              </div>
              <div>
                <dt>Received</dt>
                <dd><${Time} iso=${found.event.receivedAt} /></dd>
              </div>
            </dl>
            <h4>Payload, as received</h4>
            <pre class="payload">${found.event.data}</pre>
          </section>`
        : null
    }
    <section class="card" aria-labelledby="went-title">
      <h3 id="went-title">Where it went</h3>
      ${
        deliveries.length === 0
          ? html`<p>It matched no webhook.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">Webhook</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Delivery</th>
                </tr>
              </thead>
              <tbody>
                ${deliveries.map(
                  (delivery) =>
                    html`<tr key=${delivery.id}>
                    <td><a href=${hashFor(ws, { name: 'webhook', id: delivery.webhookId })}>${delivery.webhookId}</a></td>
                    <td><${Badge} tone=${statusTone(delivery.status)}>${delivery.status}</${Badge}></td>
                    <td>${delivery.attempts}</td>
                    <td><a href=${hashFor(ws, { name: 'delivery', id: delivery.id })}>Attempts and request</a></td>
                  </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
  </div>`;
}
