// Creating and editing a webhook. A secret Herald generates on create is shown once, then the
// webhook opens; Herald's own 400s (naming the field) are shown as they come.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';
import { useBusy, useConsole, useLoad } from './hooks';
import type { Invalid } from './query';
import { hashFor } from './route';
import { SecretOnce } from './secretOnce';
import { CONTENT_TYPES, HTTP_METHODS, RETRY_PRESETS, type Webhook } from './types';
import { ErrorText } from './ui';
import { createBody, EMPTY_FORM, formOf, patchBody, type WebhookForm } from './webhookInput';

export function WebhookEditor({ id }: { id?: string }) {
  const { api, ws, go, say } = useConsole();
  const original = useLoad(() => (id ? api.webhook(ws, id) : Promise.resolve(undefined)), [ws, id]);
  const catalog = useLoad(() => api.eventTypes(ws).catch(() => []), [ws]);
  const [form, setForm] = useState<WebhookForm>(EMPTY_FORM);
  const [invalid, setInvalid] = useState<Invalid | null>(null);
  const [created, setCreated] = useState<Webhook | null>(null);
  // Herald refused events not in the catalog: its message says so; the form links to where they are added.
  const [notInCatalog, setNotInCatalog] = useState(false);
  const [busy, run] = useBusy();
  useEffect(() => {
    if (original.data) setForm(formOf(original.data));
  }, [original.data]);

  if (id && !original.data) {
    return html`<section>
      <h2>Edit webhook</h2>
      ${original.error ? html`<${ErrorText} error=${original.error} />` : html`<p aria-busy="true">Loading…</p>`}
    </section>`;
  }
  if (created?.secret) {
    return html`<section aria-labelledby="created-title">
      <h2 id="created-title">Webhook “${created.name}” created</h2>
      <${SecretOnce} secret=${created.secret} onDone=${() => go({ name: 'webhook', id: created.id })} />
    </section>`;
  }

  const set =
    (field: keyof WebhookForm) =>
    (event: Event): void => {
      const target = event.target as HTMLInputElement;
      setForm({ ...form, [field]: target.type === 'checkbox' ? target.checked : target.value });
    };
  const submit = async (event: Event) => {
    event.preventDefault();
    const built = original.data ? patchBody(form, original.data) : createBody(form);
    if ('invalid' in built) {
      setInvalid(built.invalid);
      document.getElementById(`field-${built.invalid.field}`)?.focus();
      return;
    }
    setInvalid(null);
    setNotInCatalog(false);
    const current = original.data;
    if (current && Object.keys(built.body).length === 0) {
      say('Nothing changed.');
      return;
    }
    const saved = await run(() =>
      (current ? api.updateWebhook(ws, current.id, built.body) : api.createWebhook(ws, built.body)).catch((failure: unknown) => {
        if (isUnknownEventTypes(failure)) setNotInCatalog(true);
        throw failure;
      }),
    );
    if (!saved) return;
    say(current ? `Webhook “${saved.name}” saved.` : `Webhook “${saved.name}” created.`);
    if (saved.secret) setCreated(saved);
    else go({ name: 'webhook', id: saved.id });
  };
  const error = (field: string) => (invalid?.field === field ? html`<p class="error" id=${`error-${field}`}>${invalid.message}</p>` : null);
  const described = (field: string, help?: string) => [help, invalid?.field === field ? `error-${field}` : undefined].filter(Boolean).join(' ') || undefined;
  const names = (catalog.data ?? []).map((type) => type.name);

  return html`<section aria-labelledby="editor-title">
    <p class="crumbs"><a href=${hashFor(ws, id ? { name: 'webhook', id } : { name: 'webhooks' })}>${id ? 'Back to the webhook' : 'Webhooks'}</a></p>
    <h2 id="editor-title">${id ? `Edit “${original.data?.name ?? ''}”` : 'New webhook'}</h2>
    <form class="card form" onSubmit=${submit} novalidate>
      <label for="field-name">Name</label>
      <input id="field-name" value=${form.name} onInput=${set('name')} aria-invalid=${invalid?.field === 'name'} aria-describedby=${described('name')} />
      ${error('name')}
      <label for="field-url">URL</label>
      <input
        id="field-url"
        type="url"
        class="mono"
        value=${form.url}
        onInput=${set('url')}
        aria-invalid=${invalid?.field === 'url'}
        aria-describedby=${described('url')}
      />
      ${error('url')}
      <label for="field-events">Events</label>
      <input
        id="field-events"
        value=${form.events}
        onInput=${set('events')}
        aria-invalid=${invalid?.field === 'events'}
        aria-describedby=${described('events', 'events-help')}
      />
      <p class="help" id="events-help">
        Event types separated by commas; <code>*</code> for every event.${names.length ? ` The catalog: ${names.join(', ')}.` : ''}
      </p>
      ${error('events')}
      ${
        notInCatalog
          ? html`<div class="error" id="events-not-in-catalog">
              <p>Herald accepts only event types in the workspace’s catalog.</p>
              <p><a href=${hashFor(ws, { name: 'event-types' })}>Add them under Event types</a>, then create the webhook again.</p>
            </div>`
          : null
      }
      <label for="field-app">App (optional)</label>
      <input id="field-app" value=${form.app} onInput=${set('app')} />
      <div class="row">
        <div>
          <label for="field-method">Method</label>
          <select id="field-method" value=${form.method} onChange=${set('method')}>
            ${HTTP_METHODS.map((method) => html`<option key=${method} value=${method}>${method}</option>`)}
          </select>
        </div>
        <div>
          <label for="field-contentType">Body format</label>
          <select id="field-contentType" value=${form.contentType} onChange=${set('contentType')}>
            ${CONTENT_TYPES.map((type) => html`<option key=${type} value=${type}>${type}</option>`)}
          </select>
        </div>
        <div>
          <label for="field-preset">Retry policy</label>
          <select id="field-preset" value=${form.preset} onChange=${set('preset')}>
            ${RETRY_PRESETS.map((preset) => html`<option key=${preset} value=${preset}>${preset}</option>`)}
          </select>
        </div>
        <div>
          <label for="field-timeoutMs">Timeout in ms (optional)</label>
          <input id="field-timeoutMs" inputmode="numeric" value=${form.timeoutMs} onInput=${set('timeoutMs')} aria-describedby=${described('timeoutMs')} />
          ${error('timeoutMs')}
        </div>
      </div>
      ${
        id
          ? null
          : html`<div class="check">
              <input id="field-generateSecret" type="checkbox" checked=${form.generateSecret} onChange=${set('generateSecret')} />
              <label for="field-generateSecret">Sign deliveries with a secret Herald generates (shown once)</label>
            </div>`
      }
      <div class="actions">
        <button type="submit" class="primary" disabled=${busy}>${id ? 'Save changes' : 'Create webhook'}</button>
      </div>
    </form>
  </section>`;
}

/** Herald's 400 for events missing from the catalog (`body.events contains unknown event types: …`). */
function isUnknownEventTypes(error: unknown): boolean {
  return error instanceof ApiError && error.status === 400 && error.message.includes('unknown event types');
}
