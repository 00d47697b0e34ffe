// The console's address after `#`: which workspace and which screen. Pure, so it is unit-tested;
// the address is the only navigation state (nothing but the credential is stored in the browser).

export type Screen =
  | { name: 'workspaces' }
  | { name: 'webhooks' }
  | { name: 'new-webhook' }
  | { name: 'webhook'; id: string }
  | { name: 'edit-webhook'; id: string }
  | { name: 'deliveries'; params: URLSearchParams }
  | { name: 'delivery'; id: string }
  | { name: 'recover'; webhookId?: string }
  | { name: 'events'; id?: string }
  | { name: 'notifications' }
  | { name: 'event-types' }
  | { name: 'portal-links' };

export interface Route {
  ws?: string;
  screen: Screen;
}

const enc = encodeURIComponent;

function decode(segment: string | undefined): string | undefined {
  if (!segment) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The route of `#/ws/{ws}/{screen}/{id}?{query}`; anything else is the workspace's webhooks (or the workspace list). */
export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] !== 'ws' || !decode(parts[1])) return { screen: { name: parts[0] === 'workspaces' ? 'workspaces' : 'webhooks' } };
  const ws = decode(parts[1]);
  const [name, rawId, action] = parts.slice(2);
  const id = decode(rawId);
  const params = new URLSearchParams(query);
  const screen = ((): Screen => {
    switch (name) {
      case 'webhooks':
        if (id === 'new') return { name: 'new-webhook' };
        if (id) return action === 'edit' ? { name: 'edit-webhook', id } : { name: 'webhook', id };
        return { name: 'webhooks' };
      case 'deliveries':
        return id ? { name: 'delivery', id } : { name: 'deliveries', params };
      case 'recover':
        return params.get('webhookId') ? { name: 'recover', webhookId: params.get('webhookId')! } : { name: 'recover' };
      case 'events':
        return id ? { name: 'events', id } : { name: 'events' };
      case 'notifications':
        return { name: 'notifications' };
      case 'event-types':
        return { name: 'event-types' };
      case 'portal-links':
        return { name: 'portal-links' };
      default:
        return { name: 'webhooks' };
    }
  })();
  return { ...(ws ? { ws } : {}), screen };
}

/** The `#…` address of a screen in a workspace. */
export function hashFor(ws: string | undefined, screen: Screen): string {
  if (screen.name === 'workspaces' || ws === undefined) return '#/workspaces';
  const base = `#/ws/${enc(ws)}`;
  switch (screen.name) {
    case 'webhooks':
      return `${base}/webhooks`;
    case 'new-webhook':
      return `${base}/webhooks/new`;
    case 'webhook':
      return `${base}/webhooks/${enc(screen.id)}`;
    case 'edit-webhook':
      return `${base}/webhooks/${enc(screen.id)}/edit`;
    case 'deliveries': {
      const query = screen.params.toString();
      return `${base}/deliveries${query ? `?${query}` : ''}`;
    }
    case 'delivery':
      return `${base}/deliveries/${enc(screen.id)}`;
    case 'recover':
      return `${base}/recover${screen.webhookId ? `?webhookId=${enc(screen.webhookId)}` : ''}`;
    case 'events':
      return `${base}/events${screen.id ? `/${enc(screen.id)}` : ''}`;
    case 'notifications':
      return `${base}/notifications`;
    case 'event-types':
      return `${base}/event-types`;
    case 'portal-links':
      return `${base}/portal-links`;
  }
}

/** The portal token of a `#portal=<token>` address, if that is what the address is. */
export function portalTokenOf(hash: string): string | undefined {
  const match = /^#portal=([^&]+)$/.exec(hash);
  return decode(match?.[1]);
}
