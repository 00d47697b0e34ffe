// Recover: resend a webhook's failed, expired, dropped or discarded deliveries of a time range, in
// order. Herald runs the recovery as a workflow; its progress is followed here every 2 s while it runs.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { isMissingRoute } from './api';
import { useBusy, useConsole, useLoad, usePolling } from './hooks';
import { isoToLocalInput, recoverBody, type Invalid } from './query';
import { hashFor } from './route';
import { RECOVERABLE_STATUSES, type Recovery } from './types';
import { Badge, ErrorText, Time } from './ui';

const DAY_MS = 24 * 60 * 60 * 1000;

export function RecoverScreen({ webhookId }: { webhookId?: string }) {
  const { api, ws, go } = useConsole();
  const webhooks = useLoad(() => api.webhooks(ws, undefined, 200).then((page) => page.items), [ws]);
  const chosen = webhookId ?? webhooks.data?.[0]?.id;
  return html`<section aria-labelledby="recover-title">
    <h2 id="recover-title">Recover deliveries</h2>
    <p>Resend a webhook’s deliveries that ended failed, expired, dropped or discarded in a time range, in their original order.</p>
    ${webhooks.error ? html`<${ErrorText} error=${webhooks.error} />` : null}
    ${webhooks.data && webhooks.data.length === 0 ? html`<p>No webhook yet.</p>` : null}
    ${
      webhooks.data && webhooks.data.length > 0
        ? html`<div class="card">
            <label for="recover-webhook">Webhook</label>
            <select id="recover-webhook" value=${chosen} onChange=${(e: Event) => go({ name: 'recover', webhookId: (e.target as HTMLSelectElement).value })}>
              ${webhooks.data.map((webhook) => html`<option key=${webhook.id} value=${webhook.id}>${webhook.name}</option>`)}
            </select>
          </div>`
        : null
    }
    ${chosen ? html`<${RecoverWebhook} webhookId=${chosen} key=${chosen} />` : null}
  </section>`;
}

function RecoverWebhook({ webhookId }: { webhookId: string }) {
  const { api, ws, say } = useConsole();
  const [since, setSince] = useState(() => isoToLocalInput(new Date(Date.now() - DAY_MS).toISOString()));
  const [until, setUntil] = useState('');
  const [statuses, setStatuses] = useState<string[]>([...RECOVERABLE_STATUSES]);
  const [invalid, setInvalid] = useState<Invalid | null>(null);
  const [busy, run] = useBusy();
  const [started, setStarted] = useState<Recovery | null>(null);
  const list = useLoad(() => api.recoveries(ws, webhookId).then((page) => page.items), [ws, webhookId]);
  usePolling(Boolean(list.data?.some((recovery) => recovery.state === 'running')), list.reload);

  const toggle = (status: string) => (event: Event) =>
    setStatuses((event.target as HTMLInputElement).checked ? [...statuses, status] : statuses.filter((s) => s !== status));
  const submit = async (event: Event) => {
    event.preventDefault();
    const built = recoverBody({ since, until, statuses });
    if ('invalid' in built) {
      setInvalid(built.invalid);
      return;
    }
    setInvalid(null);
    const recovery = await run(() => api.recover(ws, webhookId, built.body));
    if (!recovery) return;
    setStarted(recovery);
    say('Recovery started.');
    list.reload();
  };
  const error = (field: string) => (invalid?.field === field ? html`<p class="error" id=${`error-${field}`}>${invalid.message}</p>` : null);

  return html`<div>
    <form class="card form" onSubmit=${submit} aria-label="Recover deliveries">
      <div class="row">
        <div>
          <label for="recover-since">From</label>
          <input id="recover-since" type="datetime-local" value=${since} onInput=${(e: Event) => setSince((e.target as HTMLInputElement).value)} />
          ${error('since')}
        </div>
        <div>
          <label for="recover-until">To (empty: now)</label>
          <input id="recover-until" type="datetime-local" value=${until} onInput=${(e: Event) => setUntil((e.target as HTMLInputElement).value)} />
          ${error('until')}
        </div>
      </div>
      <fieldset>
        <legend>Statuses to resend</legend>
        ${RECOVERABLE_STATUSES.map(
          (status) =>
            html`<div class="check" key=${status}>
              <input id=${`recover-${status}`} type="checkbox" checked=${statuses.includes(status)} onChange=${toggle(status)} />
              <label for=${`recover-${status}`}>${status}</label>
            </div>`,
        )}
      </fieldset>
      ${error('statuses')}
      <div class="actions">
        <button type="submit" class="primary" disabled=${busy}>Recover</button>
        <a href=${hashFor(ws, { name: 'webhook', id: webhookId })}>Open the webhook</a>
      </div>
    </form>
    ${started ? html`<${RecoveryProgress} first=${started} key=${started.id} onEnd=${list.reload} />` : null}
    <section class="card" aria-labelledby="recoveries-title">
      <h3 id="recoveries-title">Recoveries of this webhook</h3>
      ${list.error ? (isMissingRoute(list.error) ? html`<p>This Herald cannot recover deliveries yet.</p>` : html`<${ErrorText} error=${list.error} />`) : null}
      ${list.data ? html`<${RecoveryTable} recoveries=${list.data} />` : list.error ? null : html`<p aria-busy="true">Loading…</p>`}
    </section>
  </div>`;
}

const STATE_TONE = { running: 'warn', completed: 'ok', failed: 'bad' } as const;

/** The recovery just started, read again every 2 s until it ends. */
function RecoveryProgress({ first, onEnd }: { first: Recovery; onEnd: () => void }) {
  const { api, ws, say } = useConsole();
  const [recovery, setRecovery] = useState(first);
  const [error, setError] = useState<unknown>();
  usePolling(recovery.state === 'running', () => {
    api.recovery(ws, recovery.id).then(
      (next) => {
        setRecovery(next);
        setError(undefined);
        if (next.state !== 'running') {
          say(`Recovery ${next.state}: ${next.resent} resent, ${next.skipped} skipped.`);
          onEnd();
        }
      },
      (failure: unknown) => setError(failure),
    );
  });
  const total = recovery.matched;
  return html`<section class="card" aria-labelledby="progress-title">
    <h3 id="progress-title">Recovery ${recovery.id}</h3>
    <p>
      <${Badge} tone=${STATE_TONE[recovery.state]}>${recovery.state}</${Badge}>
      ${' '}${recovery.resent} resent, ${recovery.skipped} skipped${total === null ? ', still counting the matching deliveries' : ` of ${total} matching`}.
    </p>
    ${total ? html`<progress max=${total} value=${recovery.resent + recovery.skipped} aria-label="Recovery progress"></progress>` : null}
    ${recovery.error ? html`<p class="error-text">${recovery.error}</p>` : null}
    ${error ? html`<${ErrorText} error=${error} />` : null}
  </section>`;
}

function RecoveryTable({ recoveries }: { recoveries: Recovery[] }) {
  if (recoveries.length === 0) return html`<p>No recovery yet.</p>`;
  return html`<table class="recoveries">
    <thead>
      <tr>
        <th scope="col">Started</th>
        <th scope="col">Range</th>
        <th scope="col">Statuses</th>
        <th scope="col">State</th>
        <th scope="col">Matched</th>
        <th scope="col">Resent</th>
        <th scope="col">Skipped</th>
        <th scope="col">Finished</th>
      </tr>
    </thead>
    <tbody>
      ${recoveries.map(
        (recovery) =>
          html`<tr key=${recovery.id}>
            <td><${Time} iso=${recovery.createdAt} /></td>
            <td><${Time} iso=${recovery.since} /> to <${Time} iso=${recovery.until} /></td>
            <td>${recovery.statuses.join(', ')}</td>
            <td>
              <${Badge} tone=${STATE_TONE[recovery.state]}>${recovery.state}</${Badge}>
              ${recovery.error ? html`<div class="error-text">${recovery.error}</div>` : null}
            </td>
            <td>${recovery.matched ?? '…'}</td>
            <td>${recovery.resent}</td>
            <td>${recovery.skipped}</td>
            <td><${Time} iso=${recovery.finishedAt} /></td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
