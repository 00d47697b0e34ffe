// Signing in: a workspace API key, the admin key (then a workspace is picked), or a portal link's
// token (read from the address by app.ts). The key is checked against the API before it is kept.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { HeraldApi } from './api';
import { hashFor } from './route';
import { resolveSession } from './session';
import type { Page, Session, Workspace } from './types';
import { ErrorText, Pager, Time, useCursors } from './ui';
import { useLoad } from './hooks';

export function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: (key: string, session: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const value = key.trim();
    if (!value) {
      setError(new Error('API key: paste a workspace API key or the admin key'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(value, await resolveSession(new HeraldApi(value)));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="card narrow" aria-labelledby="sign-in-title">
    <h2 id="sign-in-title">Sign in</h2>
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
    <form onSubmit=${submit}>
      <label for="api-key">API key</label>
      <input
        id="api-key"
        type="password"
        autocomplete="off"
        spellcheck="false"
        value=${key}
        onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)}
        aria-describedby="api-key-help"
      />
      <p id="api-key-help" class="help">A workspace API key, or the admin key. It is kept in this tab only, until you sign out or close it.</p>
      ${error ? html`<div role="alert"><${ErrorText} error=${error} /></div>` : null}
      <button type="submit" class="primary" disabled=${busy}>Sign in</button>
    </form>
  </section>`;
}

/** A workspace key on a Herald without GET /v1/session: the person names its workspace once (it then lives in the address). */
export function WorkspacePrompt({ api, onOpen }: { api: HeraldApi; onOpen: (ws: string) => void }) {
  const [ws, setWs] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const id = ws.trim();
    if (!id) {
      setError(new Error('Workspace id: give the id of the key’s workspace (ws_…)'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await api.webhooks(id, undefined, 1);
      onOpen(id);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="card narrow" aria-labelledby="workspace-title">
    <h2 id="workspace-title">Which workspace?</h2>
    <form onSubmit=${submit}>
      <label for="workspace-id">Workspace id</label>
      <input id="workspace-id" value=${ws} spellcheck="false" onInput=${(e: Event) => setWs((e.target as HTMLInputElement).value)} />
      ${error ? html`<div role="alert"><${ErrorText} error=${error} /></div>` : null}
      <button type="submit" class="primary" disabled=${busy}>Open workspace</button>
    </form>
  </section>`;
}

/** The admin key's start: every workspace, to open one. */
export function WorkspacePicker({ api }: { api: HeraldApi }) {
  const cursors = useCursors();
  const list = useLoad<Page<Workspace>>(() => api.workspaces(cursors.cursor), [cursors.cursor]);
  return html`<section aria-labelledby="workspaces-title">
    <h2 id="workspaces-title">Workspaces</h2>
    ${list.error ? html`<${ErrorText} error=${list.error} />` : null}
    ${
      list.data
        ? list.data.items.length === 0
          ? html`<p>No workspace yet.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Id</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                ${list.data.items.map(
                  (workspace) =>
                    html`<tr key=${workspace.id}>
                      <td><a href=${hashFor(workspace.id, { name: 'webhooks' })}>${workspace.name}</a></td>
                      <td><code>${workspace.id}</code></td>
                      <td><${Time} iso=${workspace.createdAt} /></td>
                    </tr>`,
                )}
              </tbody>
            </table>`
        : html`<p aria-busy="true">Loading…</p>`
    }
    <${Pager} page=${cursors.page} nextCursor=${list.data?.nextCursor} onNext=${cursors.next} onPrevious=${cursors.previous} />
    <${CreateWorkspace} api=${api} />
  </section>`;
}

/** The admin key's way to a first workspace (POST /v1/workspaces): it opens once created. */
function CreateWorkspace({ api }: { api: HeraldApi }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const value = name.trim();
    if (!value) {
      setError(new Error('Workspace name: give the workspace a name'));
      document.getElementById('workspace-name')?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const created = await api.createWorkspace(value);
      location.hash = hashFor(created.id, { name: 'webhooks' });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="card form narrow" onSubmit=${submit} novalidate aria-labelledby="create-workspace-title">
    <h3 id="create-workspace-title">Create workspace</h3>
    <label for="workspace-name">Workspace name</label>
    <input id="workspace-name" value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} aria-describedby="workspace-name-help" />
    <p class="help" id="workspace-name-help">A tenant of Herald: its webhooks, events and keys are its own. It opens once created.</p>
    ${error ? html`<div role="alert"><${ErrorText} error=${error} /></div>` : null}
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy}>Create workspace</button>
    </div>
  </form>`;
}
