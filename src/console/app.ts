// The console's frame: who is signed in, which workspace, which screen (from the address after
// `#`), and the live regions that announce results and errors.
import { html } from 'htm/preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { HeraldApi } from './api';
import { DeliveryDetail } from './deliveryDetail';
import { DeliveryList } from './deliveryList';
import { EventLookup } from './eventLookup';
import { ConsoleState, type ConsoleContext } from './hooks';
import { EventTypes } from './eventTypes';
import { NotificationList } from './notifications';
import { canMintPortalLinks } from './portalLinkInput';
import { PortalLinks } from './portalLinks';
import { RecoverScreen } from './recover';
import { hashFor, parseHash, type Route, type Screen } from './route';
import { credential, resolveSession } from './session';
import { SignIn, WorkspacePicker, WorkspacePrompt } from './signIn';
import type { Session } from './types';
import { messageOf, Time } from './ui';
import { WebhookDetail } from './webhookDetail';
import { WebhookEditor } from './webhookEditor';
import { WebhookList } from './webhookList';

const notPortal = (session: Session): boolean => session.kind !== 'portal';

/** The nav's entries, each with who sees it. */
const NAV: Array<{ screen: Screen; label: string; shown: (session: Session) => boolean }> = [
  { screen: { name: 'webhooks' }, label: 'Webhooks', shown: () => true },
  { screen: { name: 'deliveries', params: new URLSearchParams() }, label: 'Deliveries', shown: () => true },
  { screen: { name: 'recover' }, label: 'Recover', shown: () => true },
  { screen: { name: 'events' }, label: 'Events', shown: () => true },
  { screen: { name: 'event-types' }, label: 'Event types', shown: notPortal },
  { screen: { name: 'notifications' }, label: 'Notifications', shown: notPortal },
  { screen: { name: 'portal-links' }, label: 'Portal links', shown: canMintPortalLinks },
];

const SECTION_OF: Record<string, string> = { 'new-webhook': 'webhooks', webhook: 'webhooks', 'edit-webhook': 'webhooks', delivery: 'deliveries' };

/** The nav entry a screen belongs to. */
const section = (screen: Screen): string => SECTION_OF[screen.name] ?? screen.name;

const framed = window.self !== window.top;

/** A screen inside a workspace: the workspace list becomes the workspace's webhooks. */
const inWorkspace = (screen: Screen): Screen => (screen.name === 'workspaces' ? { name: 'webhooks' } : screen);

export function App() {
  const [key, setKey] = useState<string | null>(() => credential.read());
  const [session, setSession] = useState<Session | null>(null);
  const [notice, setNotice] = useState<string>();
  const [route, setRoute] = useState<Route>(() => parseHash(location.hash));
  const [status, setStatus] = useState('');
  const [alertText, setAlert] = useState('');

  useEffect(() => {
    // A result stays announced across the navigation it causes (deleted, then the list); an error does not.
    const follow = () => {
      setRoute(parseHash(location.hash));
      setAlert('');
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  const signOut = useCallback((why?: string) => {
    credential.clear();
    setKey(null);
    setSession(null);
    setNotice(why);
    setStatus('');
    setAlert('');
  }, []);

  const api = useMemo(() => (key ? new HeraldApi(key, (error) => signOut(`Signed out: Herald refused the key (${error.message}).`)) : null), [key, signOut]);

  // After a reload the key is still in this tab: ask again who it is.
  useEffect(() => {
    if (!api || session) return undefined;
    let live = true;
    resolveSession(api).then(
      (resolved) => live && setSession(resolved),
      (error: unknown) => live && signOut(`Sign in again: ${messageOf(error)}`),
    );
    return () => {
      live = false;
    };
  }, [api, session, signOut]);

  const ws = session?.workspaceId ?? route.ws;
  // A workspace or portal credential opens its own workspace only.
  useEffect(() => {
    if (session?.workspaceId && route.ws !== session.workspaceId) location.replace(hashFor(session.workspaceId, inWorkspace(route.screen)));
  }, [session, route]);

  const context = useMemo<ConsoleContext | null>(
    () =>
      api && session && ws
        ? {
            api,
            ws,
            session,
            go: (screen) => {
              location.hash = hashFor(ws, screen);
            },
            say: (message) => {
              setAlert('');
              setStatus(message);
            },
            fail: (error) => {
              setStatus('');
              setAlert(messageOf(error));
            },
          }
        : null,
    [api, session, ws],
  );

  useEffect(() => {
    document.title = `${NAV.find((entry) => entry.screen.name === section(route.screen))?.label ?? 'Workspaces'} · Herald console`;
  }, [route]);

  const body = () => {
    if (framed && session && session.kind !== 'portal') return html`<p class="error">The console opens inside another page only through a portal link.</p>`;
    if (!api) {
      if (framed) return html`<p class="error">The console opens inside another page only through a portal link.</p>`;
      return html`<${SignIn}
        notice=${notice}
        onSignedIn=${(value: string, resolved: Session) => {
          credential.write(value);
          setNotice(undefined);
          setKey(value);
          setSession(resolved);
        }}
      />`;
    }
    if (!session) return html`<p aria-busy="true">Signing in…</p>`;
    if (session.kind === 'admin' && (!route.ws || route.screen.name === 'workspaces')) return html`<${WorkspacePicker} api=${api} />`;
    if (!ws) return html`<${WorkspacePrompt} api=${api} onOpen=${(id: string) => location.replace(hashFor(id, inWorkspace(route.screen)))} />`;
    if (!context) return null;
    return html`<${ConsoleState.Provider} value=${context}><${ScreenOf} screen=${route.screen} session=${session} /></${ConsoleState.Provider}>`;
  };

  return html`<div class="layout">
    <header class="top">
      <p class="brand">Herald console</p>
      ${context ? html`<${Nav} ws=${context.ws} session=${context.session} current=${section(route.screen)} />` : null}
      ${
        api && session
          ? html`<div class="who">
              <span>${whoText(session)}${ws ? html` · workspace <code>${ws}</code>` : null}</span>
              ${session.expiresAt ? html`<span>Link valid until <${Time} iso=${session.expiresAt} /></span>` : null}
              ${session.kind === 'admin' && ws ? html`<a href="#/workspaces">Switch workspace</a>` : null}
              <button type="button" onClick=${() => signOut('Signed out.')}>Sign out</button>
            </div>`
          : null
      }
    </header>
    <div class="live">
      <p role="status" aria-live="polite" class="status">${status}</p>
      <p role="alert" class="status status-error">${alertText}</p>
    </div>
    <main id="main">${body()}</main>
  </div>`;
}

function whoText(session: Session): string {
  switch (session.kind) {
    case 'admin':
      return 'Signed in with the admin key';
    case 'portal':
      return session.app ? `Portal for the app ${session.app}` : 'Portal';
    case 'workspace':
      return 'Signed in with a workspace key';
  }
}

function Nav({ ws, session, current }: { ws: string; session: Session; current: string }) {
  const entries = NAV.filter((entry) => entry.shown(session));
  return html`<nav aria-label="Console">
    <ul>
      ${entries.map(
        (entry) =>
          html`<li key=${entry.label}>
            <a href=${hashFor(ws, entry.screen)} aria-current=${entry.screen.name === current ? 'page' : undefined}>${entry.label}</a>
          </li>`,
      )}
    </ul>
  </nav>`;
}

function ScreenOf({ screen, session }: { screen: Screen; session: Session }) {
  switch (screen.name) {
    case 'workspaces':
    case 'webhooks':
      return html`<${WebhookList} />`;
    case 'new-webhook':
      return html`<${WebhookEditor} />`;
    case 'edit-webhook':
      return html`<${WebhookEditor} id=${screen.id} key=${screen.id} />`;
    case 'webhook':
      return html`<${WebhookDetail} id=${screen.id} key=${screen.id} />`;
    case 'deliveries':
      return html`<${DeliveryList} params=${screen.params} />`;
    case 'delivery':
      return html`<${DeliveryDetail} id=${screen.id} key=${screen.id} />`;
    case 'recover':
      return html`<${RecoverScreen} webhookId=${screen.webhookId} />`;
    case 'events':
      return html`<${EventLookup} id=${screen.id} key=${screen.id ?? ''} />`;
    case 'notifications':
      return session.kind === 'portal' ? html`<p>Notifications are not part of the portal.</p>` : html`<${NotificationList} />`;
    case 'event-types':
      return session.kind === 'portal' ? html`<p>The event catalog is not part of the portal.</p>` : html`<${EventTypes} />`;
    case 'portal-links':
      return canMintPortalLinks(session)
        ? html`<${PortalLinks} />`
        : html`<p>Portal links are minted with the admin key or a workspace key that has webhooks:write.</p>`;
  }
}
