// One delivery: every attempt (time, duration, status code, error, the start of the response) and,
// where Herald shows it, the request as sent, with retry and cancel. Followed while pending.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { formatDuration, relativeTime, statusTone } from './format';
import { useBusy, useConsole, useLoad, usePolling } from './hooks';
import { hashFor } from './route';
import type { Delivery, DeliveryRequest } from './types';
import { Badge, ErrorText, Time } from './ui';

/** What a retry may do: a pending delivery is tried now, an ended one gets one fresh attempt (Herald refuses what it cannot retry). */
const RETRYABLE = ['pending', 'failed', 'expired'];

export function DeliveryDetail({ id }: { id: string }) {
  const { api, ws, say } = useConsole();
  const loaded = useLoad(() => api.delivery(ws, id), [ws, id]);
  const [delivery, setDelivery] = useState<Delivery>();
  useEffect(() => setDelivery(loaded.data), [loaded.data]);
  usePolling(delivery?.status === 'pending', loaded.reload);
  const [busy, run] = useBusy();

  if (!delivery) {
    return html`<section>
      <h2>Delivery</h2>
      ${loaded.error ? html`<${ErrorText} error=${loaded.error} />` : html`<p aria-busy="true">Loading…</p>`}
    </section>`;
  }
  const act = async (work: () => Promise<Delivery>, message: string) => {
    const result = await run(work);
    if (!result) return;
    setDelivery({ ...delivery, ...result });
    say(message);
  };
  return html`<section aria-labelledby="delivery-title">
    <p class="crumbs"><a href=${hashFor(ws, { name: 'deliveries', params: new URLSearchParams({ webhookId: delivery.webhookId }) })}>Deliveries of this webhook</a></p>
    <div class="heading-row">
      <h2 id="delivery-title">Delivery of <span class="mono">${delivery.eventId}</span></h2>
      <${Badge} tone=${statusTone(delivery.status)}>${delivery.status}</${Badge}>
    </div>
    ${loaded.error ? html`<${ErrorText} error=${loaded.error} />` : null}
    <dl class="settings">
      <div><dt>Delivery id</dt><dd class="mono">${delivery.id}</dd></div>
      <div><dt>Event</dt><dd><a href=${hashFor(ws, { name: 'events', id: delivery.eventId })}>${delivery.eventId}</a> (${delivery.eventType})</dd></div>
      <div><dt>Webhook</dt><dd><a href=${hashFor(ws, { name: 'webhook', id: delivery.webhookId })}>${delivery.webhookId}</a></dd></div>
      <div><dt>Lane</dt><dd>${delivery.lane}</dd></div>
      <div><dt>Created</dt><dd><${Time} iso=${delivery.createdAt} /></dd></div>
      <div>
        <dt>Next attempt</dt>
        <dd>${delivery.nextAttemptAt ? html`<${Time} iso=${delivery.nextAttemptAt} /> (${relativeTime(delivery.nextAttemptAt, Date.now())})` : '—'}</dd>
      </div>
    </dl>
    <div class="actions">
      ${
        RETRYABLE.includes(delivery.status)
          ? html`<button type="button" class="primary" disabled=${busy} onClick=${() => act(() => api.retry(ws, delivery.id), 'Retry requested.')}>
              ${delivery.status === 'pending' ? 'Retry now' : 'Retry'}
            </button>`
          : null
      }
      ${
        delivery.status === 'pending'
          ? html`<button type="button" class="danger" disabled=${busy} onClick=${() => act(() => api.cancel(ws, delivery.id), 'Delivery cancelled.')}>
              Cancel delivery
            </button>`
          : null
      }
    </div>
    <${Attempts} delivery=${delivery} />
    ${delivery.request ? html`<${RequestView} request=${delivery.request} />` : null}
  </section>`;
}

function Attempts({ delivery }: { delivery: Delivery }) {
  return html`<section class="card" aria-labelledby="attempts-title">
    <h3 id="attempts-title">Attempts</h3>
    ${
      delivery.attempts.length === 0
        ? html`<p>No attempt yet.</p>`
        : html`<ol class="attempts">
            ${delivery.attempts.map(
              (attempt) =>
                html`<li key=${attempt.n} class="attempt">
                  <p>
                    <strong>Attempt ${attempt.n}</strong> at <${Time} iso=${attempt.at} />, took ${formatDuration(attempt.durationMs)}:
                    ${attempt.statusCode !== undefined ? html` <span class="code">HTTP ${attempt.statusCode}</span>` : null}
                    ${attempt.error ? html` <span class="error-text">${attempt.error.kind}: ${attempt.error.message}</span>` : null}
                  </p>
                  ${
                    attempt.responseSnippet
                      ? html`<details open>
                          <summary>Response (first 1 KiB)</summary>
                          <pre class="payload">${attempt.responseSnippet}</pre>
                        </details>`
                      : null
                  }
                </li>`,
            )}
          </ol>`
    }
  </section>`;
}

function RequestView({ request }: { request: DeliveryRequest }) {
  return html`<section class="card" aria-labelledby="request-title">
    <h3 id="request-title">Request</h3>
    <p class="mono">${request.method} ${request.url}</p>
    <table class="headers">
      <caption>
        Headers (secret values masked)
      </caption>
      <tbody>
        ${Object.entries(request.headers).map(
          ([name, value]) =>
            html`<tr key=${name}>
              <th scope="row" class="mono">${name}</th>
              <td class="mono">${value}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h4>Body</h4>
    <pre class="payload">${request.body}</pre>
  </section>`;
}
