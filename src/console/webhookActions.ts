// What a person can do to one webhook: test it, pause and resume it (resume asks whether to replay
// or discard the buffer), rotate its signing secret (the new one shown once), delete it. Each
// change goes through the REST API, which hands state changes to the webhook's health workflow.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { formatDuration } from './format';
import { useBusy, useConsole } from './hooks';
import { hashFor } from './route';
import { SecretOnce } from './secretOnce';
import type { TestRun, Webhook } from './types';
import { Confirm } from './ui';

type Asking = 'pause' | 'resume' | 'rotate' | 'delete' | null;

export function WebhookActions({ webhook, onChange }: { webhook: Webhook; onChange: (webhook: Webhook) => void }) {
  const { api, ws, go, say } = useConsole();
  const [asking, setAsking] = useState<Asking>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [testRun, setTestRun] = useState<TestRun | null>(null);
  const [busy, run] = useBusy();

  /** A change of state: the webhook as the API answers it replaces the one shown. */
  const act = async (work: () => Promise<Webhook>, message: string) => {
    const result = await run(work);
    setAsking(null);
    if (!result) return;
    onChange(result);
    say(message);
  };

  const buffered = webhook.bufferedDeliveries ?? 0;
  return html`<section class="card" aria-labelledby="actions-title">
    <h3 id="actions-title">Actions</h3>
    <div class="actions">
      <a class="button" href=${hashFor(ws, { name: 'edit-webhook', id: webhook.id })}>Edit</a>
      <button
        type="button"
        disabled=${busy}
        onClick=${async () => {
          // A failed test switches the webhook off: read it again with the result.
          const result = await run(async () => ({ tested: await api.testWebhook(ws, webhook.id), after: await api.webhook(ws, webhook.id) }));
          if (!result) return;
          setTestRun(result.tested);
          onChange(result.after);
          say(`Test sent: ${result.tested.testsSucceeded} of ${result.tested.testsRun} succeeded.`);
        }}
      >
        Send test
      </button>
      ${
        webhook.active
          ? html`<button type="button" disabled=${busy} onClick=${() => setAsking('pause')}>Pause</button>`
          : html`<button type="button" disabled=${busy} onClick=${() => setAsking('resume')}>Resume</button>`
      }
      <button type="button" disabled=${busy} onClick=${() => setAsking('rotate')}>Rotate signing secret</button>
      <button type="button" class="danger" disabled=${busy} onClick=${() => setAsking('delete')}>Delete</button>
    </div>

    ${
      asking === 'pause'
        ? html`<${Confirm} question="Pause this webhook? New events wait in its buffer until you resume it." busy=${busy} onCancel=${() => setAsking(null)}>
          <button type="button" class="primary" disabled=${busy} onClick=${() => act(() => api.deactivate(ws, webhook.id), 'Webhook paused.')}>
            Pause webhook
          </button>
        </${Confirm}>`
        : null
    }
    ${
      asking === 'resume'
        ? html`<${Confirm}
          question=${`Resume this webhook? ${buffered} buffered ${buffered === 1 ? 'event waits' : 'events wait'}: replay them in their original order, or discard them.`}
          busy=${busy}
          onCancel=${() => setAsking(null)}
        >
          <button type="button" class="primary" disabled=${busy} onClick=${() => act(() => api.activate(ws, webhook.id, true), 'Webhook resumed; the buffered events are replayed in order.')}>
            Resume and replay
          </button>
          <button type="button" disabled=${busy} onClick=${() => act(() => api.activate(ws, webhook.id, false), 'Webhook resumed; the buffered events were discarded.')}>
            Resume and discard
          </button>
        </${Confirm}>`
        : null
    }
    ${
      asking === 'rotate'
        ? html`<${Confirm}
          question="Rotate the signing secret? The current secret keeps signing beside the new one for 24 hours, so the receiver can switch at any time within them."
          busy=${busy}
          onCancel=${() => setAsking(null)}
        >
          <button
            type="button"
            class="primary"
            disabled=${busy}
            onClick=${async () => {
              const rotated = await run(() => api.rotateSecret(ws, webhook.id));
              setAsking(null);
              if (!rotated) return;
              const { secret: shown, ...rest } = rotated;
              onChange(rest);
              if (shown) setSecret(shown);
              say('Signing secret rotated.');
            }}
          >
            Rotate secret
          </button>
        </${Confirm}>`
        : null
    }
    ${
      asking === 'delete'
        ? html`<${Confirm} question=${`Delete the webhook “${webhook.name}”? Its pending deliveries are cancelled.`} busy=${busy} onCancel=${() => setAsking(null)}>
          <button
            type="button"
            class="danger"
            disabled=${busy}
            onClick=${async () => {
              const deleted = await run(async () => {
                await api.deleteWebhook(ws, webhook.id);
                return true;
              });
              setAsking(null);
              if (!deleted) return;
              say(`Webhook “${webhook.name}” deleted.`);
              go({ name: 'webhooks' });
            }}
          >
            Delete webhook
          </button>
        </${Confirm}>`
        : null
    }
    ${secret ? html`<${SecretOnce} secret=${secret} onDone=${() => setSecret(null)} />` : null} ${testRun ? html`<${TestResult} run=${testRun} />` : null}
  </section>`;
}

function TestResult({ run }: { run: TestRun }) {
  return html`<div class="test-run">
    <h4>Test: ${run.testsSucceeded} of ${run.testsRun} succeeded</h4>
    <table>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col">Duration</th>
          <th scope="col">Error</th>
        </tr>
      </thead>
      <tbody>
        ${run.tests.map(
          (test, i) =>
            html`<tr key=${i}>
              <td>${test.event}</td>
              <td>${test.statusCode ?? '—'}</td>
              <td>${formatDuration(test.durationMs)}</td>
              <td>${test.error ?? '—'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
