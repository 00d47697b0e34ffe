// Deliveries: filtered by webhook, status, event type and time (kept in the address, so a filtered
// list can be reloaded or shared), a page at a time, followed while any of them is pending.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { lastOutcome, relativeTime, statusTone } from './format';
import { useConsole, useLoad, usePolling } from './hooks';
import { filterParams, filtersFromParams, isoToLocalInput, localInputToIso, type DeliveryFilters } from './query';
import { hashFor } from './route';
import { DELIVERY_STATUSES, type Delivery, type Webhook } from './types';
import { Badge, ErrorText, Pager, Time, useCursors } from './ui';

export function DeliveryList({ params }: { params: URLSearchParams }) {
  const { ws, api } = useConsole();
  const filters = filtersFromParams(params);
  const webhooks = useLoad(() => api.webhooks(ws, undefined, 200).then((page) => page.items), [ws]);
  const key = JSON.stringify(filters);
  return html`<section aria-labelledby="deliveries-title">
    <h2 id="deliveries-title">Deliveries</h2>
    <${Filters} filters=${filters} webhooks=${webhooks.data ?? []} key=${key} />
    <${DeliveryTable} filters=${filters} webhooks=${webhooks.data ?? []} key=${key} />
  </section>`;
}

function Filters({ filters, webhooks }: { filters: DeliveryFilters; webhooks: Webhook[] }) {
  const { go } = useConsole();
  const [draft, setDraft] = useState({
    webhookId: filters.webhookId ?? '',
    status: filters.status ?? '',
    eventType: filters.eventType ?? '',
    since: filters.since ? isoToLocalInput(filters.since) : '',
    until: filters.until ? isoToLocalInput(filters.until) : '',
  });
  const set = (field: keyof typeof draft) => (event: Event) => setDraft({ ...draft, [field]: (event.target as HTMLInputElement).value });
  const apply = (event: Event) => {
    event.preventDefault();
    const chosen = filterParams({
      webhookId: draft.webhookId || undefined,
      status: (draft.status || undefined) as DeliveryFilters['status'],
      eventType: draft.eventType.trim() || undefined,
      since: localInputToIso(draft.since),
      until: localInputToIso(draft.until),
    });
    const params = new URLSearchParams(Object.entries(chosen).filter((pair): pair is [string, string] => Boolean(pair[1])));
    go({ name: 'deliveries', params });
  };
  return html`<form class="card filters" onSubmit=${apply} aria-label="Filter deliveries">
    <div>
      <label for="filter-webhook">Webhook</label>
      <select id="filter-webhook" value=${draft.webhookId} onChange=${set('webhookId')}>
        <option value="">All webhooks</option>
        ${webhooks.map((webhook) => html`<option key=${webhook.id} value=${webhook.id}>${webhook.name}</option>`)}
        ${
          draft.webhookId && !webhooks.some((webhook) => webhook.id === draft.webhookId)
            ? html`<option value=${draft.webhookId}>${draft.webhookId}</option>`
            : null
        }
      </select>
    </div>
    <div>
      <label for="filter-status">Status</label>
      <select id="filter-status" value=${draft.status} onChange=${set('status')}>
        <option value="">Any status</option>
        ${DELIVERY_STATUSES.map((status) => html`<option key=${status} value=${status}>${status}</option>`)}
      </select>
    </div>
    <div>
      <label for="filter-eventType">Event type</label>
      <input id="filter-eventType" value=${draft.eventType} onInput=${set('eventType')} />
    </div>
    <div>
      <label for="filter-since">Created from</label>
      <input id="filter-since" type="datetime-local" value=${draft.since} onInput=${set('since')} />
    </div>
    <div>
      <label for="filter-until">Created until</label>
      <input id="filter-until" type="datetime-local" value=${draft.until} onInput=${set('until')} />
    </div>
    <div class="actions"><button type="submit" class="primary">Show deliveries</button></div>
  </form>`;
}

function DeliveryTable({ filters, webhooks }: { filters: DeliveryFilters; webhooks: Webhook[] }) {
  const { ws, api } = useConsole();
  const cursors = useCursors();
  const list = useLoad(() => api.deliveries(ws, filters, cursors.cursor), [ws, cursors.cursor]);
  usePolling(Boolean(list.data?.items.some((delivery) => delivery.status === 'pending')), list.reload);
  const nameOf = (id: string) => webhooks.find((webhook) => webhook.id === id)?.name ?? id;
  const now = Date.now();
  return html`<div>
    ${list.error ? html`<${ErrorText} error=${list.error} />` : null}
    ${
      !list.data
        ? list.error
          ? null
          : html`<p aria-busy="true">Loading…</p>`
        : list.data.items.length === 0
          ? html`<p>No delivery matches.</p>`
          : html`<table class="deliveries">
              <thead>
                <tr>
                  <th scope="col">Created</th>
                  <th scope="col">Event</th>
                  <th scope="col">Type</th>
                  <th scope="col">Webhook</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last answer</th>
                  <th scope="col">Next attempt</th>
                </tr>
              </thead>
              <tbody>
                ${list.data.items.map(
                  (delivery: Delivery) =>
                    html`<tr key=${delivery.id}>
                    <td><a href=${hashFor(ws, { name: 'delivery', id: delivery.id })} aria-label=${`Delivery of ${delivery.eventId} to ${nameOf(delivery.webhookId)}`}><${Time} iso=${delivery.createdAt} /></a></td>
                    <td class="mono">${delivery.eventId}</td>
                    <td>${delivery.eventType}</td>
                    <td>${nameOf(delivery.webhookId)}</td>
                    <td><${Badge} tone=${statusTone(delivery.status)}>${delivery.status}</${Badge}></td>
                    <td>${delivery.attempts.length}</td>
                    <td>${lastOutcome(delivery)}</td>
                    <td>${delivery.nextAttemptAt ? relativeTime(delivery.nextAttemptAt, now) : '—'}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
    }
    <${Pager} page=${cursors.page} nextCursor=${list.data?.nextCursor} onNext=${cursors.next} onPrevious=${cursors.previous} />
  </div>`;
}
