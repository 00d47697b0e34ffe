// The workspace's event catalog: what webhooks can subscribe to (Herald refuses a webhook whose
// events are not in it), and a form to add a type or replace the one of that name.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { useBusy, useConsole, useLoad } from './hooks';
import { ErrorText } from './ui';

export function EventTypes() {
  const { api, ws, say } = useConsole();
  const list = useLoad(() => api.eventTypes(ws), [ws]);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [family, setFamily] = useState('');
  const [invalid, setInvalid] = useState('');
  const [busy, run] = useBusy();
  const submit = async (event: Event) => {
    event.preventDefault();
    const typeName = name.trim();
    if (!typeName) {
      setInvalid('Name: give the event type a name, such as order.paid');
      document.getElementById('event-type-name')?.focus();
      return;
    }
    setInvalid('');
    const body = { name: typeName, ...(description.trim() ? { description: description.trim() } : {}), ...(family.trim() ? { family: family.trim() } : {}) };
    const added = await run(() => api.createEventType(ws, body));
    if (!added) return;
    say(`Event type “${added.name}” added.`);
    setName('');
    setDescription('');
    setFamily('');
    list.reload();
  };
  const text = (set: (value: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  return html`<section aria-labelledby="event-types-title">
    <h2 id="event-types-title">Event types</h2>
    <p class="help">A webhook subscribes only to event types in this catalog (or to <code>*</code>, every event).</p>
    ${list.error ? html`<${ErrorText} error=${list.error} />` : null}
    ${
      !list.data
        ? list.error
          ? null
          : html`<p aria-busy="true">Loading…</p>`
        : list.data.length === 0
          ? html`<p>No event type yet: add the first below.</p>`
          : html`<table class="event-types">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Family</th>
                  <th scope="col">Description</th>
                </tr>
              </thead>
              <tbody>
                ${list.data.map(
                  (type) =>
                    html`<tr key=${type.name}>
                      <td><code>${type.name}</code></td>
                      <td>${type.family}</td>
                      <td>${type.description}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
    <form class="card form" onSubmit=${submit} novalidate aria-labelledby="add-event-type-title">
      <h3 id="add-event-type-title">Add an event type</h3>
      <label for="event-type-name">Name</label>
      <input
        id="event-type-name"
        class="mono"
        spellcheck="false"
        value=${name}
        onInput=${text(setName)}
        aria-invalid=${Boolean(invalid)}
        aria-describedby=${invalid ? 'event-type-name-help error-event-type-name' : 'event-type-name-help'}
      />
      <p class="help" id="event-type-name-help">Letters, digits and <code>_ . : -</code>. A type of that name already there is replaced.</p>
      ${invalid ? html`<p class="error" id="error-event-type-name">${invalid}</p>` : null}
      <label for="event-type-description">Description (optional)</label>
      <input id="event-type-description" value=${description} onInput=${text(setDescription)} />
      <label for="event-type-family">Family (optional)</label>
      <input id="event-type-family" value=${family} onInput=${text(setFamily)} aria-describedby="event-type-family-help" />
      <p class="help" id="event-type-family-help">Without one, the part of the name before its first dot.</p>
      <div class="actions">
        <button type="submit" class="primary" disabled=${busy}>Add event type</button>
      </div>
    </form>
  </section>`;
}
