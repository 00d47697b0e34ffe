// Portal links: mint one for a customer (some webhooks, or one app; an hour unless asked
// otherwise), show its address this once with a copy button, and revoke it. Herald has no list of
// links: the address lives only in this component's state, never in storage or in the address bar.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useBusy, useConsole, useLoad } from './hooks';
import {
  EMPTY_PORTAL_LINK_FORM,
  MAX_PORTAL_TTL_SECONDS,
  MIN_PORTAL_TTL_SECONDS,
  portalLinkAddress,
  portalLinkBody,
  type PortalLinkForm,
} from './portalLinkInput';
import type { Invalid } from './query';
import type { PortalLink } from './types';
import { ErrorText, Time } from './ui';

export function PortalLinks() {
  const { api, ws, say } = useConsole();
  const webhooks = useLoad(() => api.webhooks(ws, undefined, 100), [ws]);
  const [form, setForm] = useState<PortalLinkForm>(EMPTY_PORTAL_LINK_FORM);
  const [invalid, setInvalid] = useState<Invalid | null>(null);
  const [minted, setMinted] = useState<PortalLink | null>(null);
  const [busy, run] = useBusy();

  const submit = async (event: Event) => {
    event.preventDefault();
    const built = portalLinkBody(form);
    if ('invalid' in built) {
      setInvalid(built.invalid);
      document.getElementById(`field-${built.invalid.field}`)?.focus();
      return;
    }
    setInvalid(null);
    const link = await run(() => api.createPortalLink(ws, built.body));
    if (!link) return;
    say('Portal link created: copy it now, it is shown this once.');
    setMinted(link);
  };
  const error = (field: string) => (invalid?.field === field ? html`<p class="error" id=${`error-${field}`}>${invalid.message}</p>` : null);
  const tick = (id: string) => (event: Event) => {
    const checked = (event.target as HTMLInputElement).checked;
    setForm({ ...form, webhookIds: checked ? [...form.webhookIds, id] : form.webhookIds.filter((other) => other !== id) });
  };

  return html`<section aria-labelledby="portal-links-title">
    <h2 id="portal-links-title">Portal links</h2>
    <p class="help">
      A portal link opens this console for a customer, showing only the webhooks it is scoped to, until it expires. Herald keeps no list of links: each is shown
      once, when it is created. Keep what you need to revoke it.
    </p>
    ${
      minted
        ? html`<${MintedLink}
            link=${minted}
            onAnother=${() => {
              setMinted(null);
              setForm(EMPTY_PORTAL_LINK_FORM);
            }}
          />`
        : html`<form class="card form" onSubmit=${submit} novalidate aria-labelledby="mint-title">
            <h3 id="mint-title">New portal link</h3>
            <fieldset>
              <legend>The link opens</legend>
              <div class="check">
                <input
                  id="scope-webhooks"
                  type="radio"
                  name="scope"
                  checked=${form.scope === 'webhooks'}
                  onChange=${() => setForm({ ...form, scope: 'webhooks' })}
                />
                <label for="scope-webhooks">The webhooks ticked below</label>
              </div>
              <div class="check">
                <input id="scope-app" type="radio" name="scope" checked=${form.scope === 'app'} onChange=${() => setForm({ ...form, scope: 'app' })} />
                <label for="scope-app">Every webhook of one app, those created later included</label>
              </div>
            </fieldset>
            ${
              form.scope === 'webhooks'
                ? html`<fieldset id="field-webhookIds" tabindex="-1" aria-describedby=${invalid?.field === 'webhookIds' ? 'error-webhookIds' : undefined}>
                    <legend>Webhooks</legend>
                    ${webhooks.error ? html`<${ErrorText} error=${webhooks.error} />` : null}
                    ${
                      !webhooks.data
                        ? webhooks.error
                          ? null
                          : html`<p aria-busy="true">Loading…</p>`
                        : webhooks.data.items.length === 0
                          ? html`<p>No webhook yet.</p>`
                          : webhooks.data.items.map(
                              (webhook) =>
                                html`<div class="check" key=${webhook.id}>
                                  <input
                                    id=${`pick-${webhook.id}`}
                                    type="checkbox"
                                    checked=${form.webhookIds.includes(webhook.id)}
                                    onChange=${tick(webhook.id)}
                                  />
                                  <label for=${`pick-${webhook.id}`}>${webhook.name} <code>${webhook.id}</code></label>
                                </div>`,
                            )
                    }
                    ${error('webhookIds')}
                  </fieldset>`
                : html`<label for="field-app">App</label>
                    <input
                      id="field-app"
                      value=${form.app}
                      onInput=${(e: Event) => setForm({ ...form, app: (e.target as HTMLInputElement).value })}
                      aria-invalid=${invalid?.field === 'app'}
                      aria-describedby=${invalid?.field === 'app' ? 'error-app' : undefined}
                    />
                    ${error('app')}`
            }
            <label for="field-ttlSeconds">Lifetime in seconds</label>
            <input
              id="field-ttlSeconds"
              inputmode="numeric"
              value=${form.ttlSeconds}
              onInput=${(e: Event) => setForm({ ...form, ttlSeconds: (e.target as HTMLInputElement).value })}
              aria-invalid=${invalid?.field === 'ttlSeconds'}
              aria-describedby=${invalid?.field === 'ttlSeconds' ? 'ttl-help error-ttlSeconds' : 'ttl-help'}
            />
            <p class="help" id="ttl-help">From ${MIN_PORTAL_TTL_SECONDS} (a minute) to ${MAX_PORTAL_TTL_SECONDS} (a day); 3600 is an hour.</p>
            ${error('ttlSeconds')}
            <div class="actions">
              <button type="submit" class="primary" disabled=${busy}>Create portal link</button>
            </div>
          </form>`
    }
  </section>`;
}

/** The link just minted: its address this once, a copy button, its expiry, and Revoke. */
function MintedLink({ link, onAnother }: { link: PortalLink; onAnother: () => void }) {
  const { api, ws, say } = useConsole();
  const [copied, setCopied] = useState('');
  const [revoked, setRevoked] = useState(false);
  const [busy, run] = useBusy();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const opens = link.app ? `Opens every webhook of the app ${link.app}.` : `Opens ${link.webhookIds?.length ?? 0} webhook(s).`;
  const address = portalLinkAddress(link, `${location.origin}${location.pathname}`);
  const copy = () => {
    const failed = () => setCopied('Copying failed: select the link and copy it yourself.');
    if (!navigator.clipboard) {
      failed();
      return;
    }
    navigator.clipboard.writeText(address).then(() => setCopied('Copied to the clipboard.'), failed);
  };
  const revoke = async () => {
    const done = await run(async () => {
      await api.revokePortalLink(ws, link.id);
      return true;
    });
    if (!done) return;
    setRevoked(true);
    say('Portal link revoked: it opens nothing any more.');
  };
  return html`<div class="secret" role="group" aria-labelledby="minted-title">
    <h3 id="minted-title">${revoked ? 'Portal link revoked' : 'New portal link'}</h3>
    ${
      revoked
        ? html`<p>It opens nothing any more.</p>`
        : html`<p>Shown this once: Herald keeps only a hash of its token and cannot show it again. Give it to the customer now.</p>
            <label for="portal-link-address">Portal link</label>
            <div class="inline">
              <input
                id="portal-link-address"
                class="mono"
                readonly
                value=${address}
                ref=${input}
                onFocus=${(e: Event) => (e.target as HTMLInputElement).select()}
              />
              <button type="button" onClick=${copy}>Copy</button>
            </div>
            <p role="status" class="help">${copied}</p>
            <p>Valid until <${Time} iso=${link.expiresAt} />. ${opens}</p>`
    }
    <div class="actions">
      ${revoked ? null : html`<button type="button" class="danger" disabled=${busy} onClick=${revoke}>Revoke</button>`}
      <button type="button" onClick=${onAnother}>Create another link</button>
    </div>
  </div>`;
}
