// A secret Herald generated, shown this once: a copy button, then gone (it lives only in this
// component's state, never in storage or in the address).
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const copy = () => {
    const done = () => setCopied('Copied to the clipboard.');
    const failed = () => setCopied('Copying failed: select the secret and copy it yourself.');
    if (!navigator.clipboard) {
      failed();
      return;
    }
    navigator.clipboard.writeText(secret).then(done, failed);
  };
  return html`<div class="secret" role="group" aria-labelledby="secret-title">
    <h3 id="secret-title">New signing secret</h3>
    <p>Shown this once: Herald keeps it encrypted and will not show it again. Give it to the receiver now.</p>
    <label for="secret-value">Signing secret</label>
    <div class="inline">
      <input id="secret-value" class="mono" readonly value=${secret} ref=${input} onFocus=${(e: Event) => (e.target as HTMLInputElement).select()} />
      <button type="button" onClick=${copy}>Copy</button>
    </div>
    <p role="status" class="help">${copied}</p>
    <button type="button" class="primary" onClick=${onDone}>I have saved it</button>
  </div>`;
}
