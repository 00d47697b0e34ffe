// Herald's public REST API as the console calls it: `Authorization: Bearer <credential>`, JSON in
// Herald's envelope, and every error turned into an ApiError carrying the API's own message.
import { deliveryListQuery, queryString, type DeliveryFilters, type RecoverBody } from './query';
import type {
  Delivery,
  EventRecord,
  EventType,
  Notification,
  Page,
  PortalLink,
  Recovery,
  Session,
  Stats,
  StatsWindow,
  TestRun,
  Webhook,
  Workspace,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A 404 for the route itself, not for a resource: this Herald does not have that call yet. */
export const isMissingRoute = (error: unknown): boolean => error instanceof ApiError && error.status === 404 && error.message.startsWith('route ');

/** The API beside the page: /v1 next to /console/, whatever prefix a proxy puts in front of both. */
const BASE = '../v1';

interface Envelope<T> {
  data: T;
  nextCursor?: string | null;
}

const enc = encodeURIComponent;

export class HeraldApi {
  constructor(
    private readonly credential: string,
    /** Told when the API refuses the credential itself (401), so the console can sign out. */
    private readonly onRefused: (error: ApiError) => void = () => undefined,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, options: { probe?: boolean } = {}): Promise<Envelope<T>> {
    let response: Response;
    try {
      response = await fetch(`${BASE}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.credential}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'network', 'Herald could not be reached: check the connection and try again');
    }
    if (response.status === 204) return { data: undefined as T };
    const text = await response.text();
    let parsed: { data?: T; nextCursor?: string | null; error?: { code?: string; message?: string } | null };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new ApiError(response.status, 'invalid_response', `Herald answered HTTP ${response.status} with a body that is not JSON`);
    }
    if (!response.ok || parsed.error) {
      const error = new ApiError(response.status, parsed.error?.code ?? 'error', parsed.error?.message ?? `Herald answered HTTP ${response.status}`);
      if (response.status === 401 && !options.probe) this.onRefused(error);
      throw error;
    }
    return { data: parsed.data as T, ...(parsed.nextCursor !== undefined ? { nextCursor: parsed.nextCursor } : {}) };
  }

  private async page<T>(path: string): Promise<Page<T>> {
    const answer = await this.call<T[]>('GET', path);
    return { items: answer.data, nextCursor: answer.nextCursor ?? null };
  }

  private async data<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.call<T>(method, path, body)).data;
  }

  /** GET /v1/session; a missing route (older Herald) throws an ApiError that isMissingRoute recognises. */
  session(): Promise<Session> {
    return this.call<Session>('GET', '/session', undefined, { probe: true }).then((answer) => answer.data);
  }

  /** GET /v1/workspaces with `probe`: a 401 here only means "not the admin key". */
  async workspaces(cursor?: string, options: { probe?: boolean } = {}): Promise<Page<Workspace>> {
    const answer = await this.call<Workspace[]>('GET', `/workspaces${queryString({ cursor, limit: 100 })}`, undefined, options);
    return { items: answer.data, nextCursor: answer.nextCursor ?? null };
  }

  /** POST /v1/workspaces (admin key). */
  createWorkspace(name: string): Promise<Workspace> {
    return this.data('POST', '/workspaces', { name });
  }

  private ws(ws: string): string {
    return `/workspaces/${enc(ws)}`;
  }

  private webhookPath(ws: string, id: string, action?: string): string {
    return `${this.ws(ws)}/webhooks/${enc(id)}${action ? `/${action}` : ''}`;
  }

  webhooks(ws: string, cursor?: string, limit = 100): Promise<Page<Webhook>> {
    return this.page(`${this.ws(ws)}/webhooks${queryString({ cursor, limit })}`);
  }

  webhook(ws: string, id: string): Promise<Webhook> {
    return this.data('GET', this.webhookPath(ws, id));
  }

  createWebhook(ws: string, body: Record<string, unknown>): Promise<Webhook> {
    return this.data('POST', `${this.ws(ws)}/webhooks`, body);
  }

  updateWebhook(ws: string, id: string, patch: Record<string, unknown>): Promise<Webhook> {
    return this.data('PATCH', this.webhookPath(ws, id), patch);
  }

  deleteWebhook(ws: string, id: string): Promise<void> {
    return this.data('DELETE', this.webhookPath(ws, id));
  }

  testWebhook(ws: string, id: string): Promise<TestRun> {
    return this.data('POST', this.webhookPath(ws, id, 'test'), {});
  }

  activate(ws: string, id: string, replayEvents: boolean): Promise<Webhook> {
    return this.data('POST', this.webhookPath(ws, id, 'activate'), { replayEvents });
  }

  deactivate(ws: string, id: string): Promise<Webhook> {
    return this.data('POST', this.webhookPath(ws, id, 'deactivate'));
  }

  rotateSecret(ws: string, id: string): Promise<Webhook> {
    return this.data('POST', this.webhookPath(ws, id, 'rotate-secret'), {});
  }

  stats(ws: string, id: string, window: StatsWindow): Promise<Stats> {
    return this.data('GET', `${this.webhookPath(ws, id, 'stats')}${queryString({ window })}`);
  }

  recover(ws: string, webhookId: string, body: RecoverBody): Promise<Recovery> {
    return this.data('POST', this.webhookPath(ws, webhookId, 'recover'), body);
  }

  recoveries(ws: string, webhookId: string): Promise<Page<Recovery>> {
    return this.page(`${this.webhookPath(ws, webhookId, 'recoveries')}`);
  }

  recovery(ws: string, id: string): Promise<Recovery> {
    return this.data('GET', `${this.ws(ws)}/recoveries/${enc(id)}`);
  }

  eventTypes(ws: string): Promise<EventType[]> {
    return this.data('GET', `${this.ws(ws)}/webhook-events`);
  }

  /** Adds an event type to the catalog, or replaces the one of that name. */
  createEventType(ws: string, body: { name: string; description?: string; family?: string }): Promise<EventType> {
    return this.data('POST', `${this.ws(ws)}/webhook-events`, body);
  }

  /** Mints a portal link; its token (and url) are in this answer only. */
  createPortalLink(ws: string, body: Record<string, unknown>): Promise<PortalLink> {
    return this.data('POST', `${this.ws(ws)}/portal-links`, body);
  }

  revokePortalLink(ws: string, id: string): Promise<void> {
    return this.data('DELETE', `${this.ws(ws)}/portal-links/${enc(id)}`);
  }

  deliveries(ws: string, filters: DeliveryFilters, cursor?: string, limit = 50): Promise<Page<Delivery>> {
    return this.page(`${this.ws(ws)}/deliveries${deliveryListQuery(filters, cursor, limit)}`);
  }

  private deliveryPath(ws: string, id: string, action?: 'retry' | 'cancel'): string {
    return `${this.ws(ws)}/deliveries/${enc(id)}${action ? `/${action}` : ''}`;
  }

  delivery(ws: string, id: string): Promise<Delivery> {
    return this.data('GET', this.deliveryPath(ws, id));
  }

  retry(ws: string, id: string): Promise<Delivery> {
    return this.data('POST', this.deliveryPath(ws, id, 'retry'));
  }

  cancel(ws: string, id: string): Promise<Delivery> {
    return this.data('POST', this.deliveryPath(ws, id, 'cancel'));
  }

  event(ws: string, id: string): Promise<EventRecord> {
    return this.data('GET', `${this.ws(ws)}/events/${enc(id)}`);
  }

  notifications(ws: string, cursor?: string): Promise<Page<Notification>> {
    return this.page(`${this.ws(ws)}/notifications${queryString({ cursor, limit: 50 })}`);
  }
}
