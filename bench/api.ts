// A thin client of Herald's REST API over one undici pool (as many connections as clients).
import { Pool } from 'undici';

export interface Answer<T = unknown> {
  /** HTTP status, or 0 when the request failed without one (`error` says why). */
  status: number;
  body: T | undefined;
  error?: string;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  webhookId: string;
  status: string;
  attempts: unknown[];
}

export interface WebhookSpec {
  name: string;
  url: string;
  events: string[];
  retryPolicy?: Record<string, unknown>;
  timeoutMs?: number;
  deactivation?: { consecutiveFailures: number; minFailingSeconds: number };
}

export class HeraldApi {
  private readonly pool: Pool;

  constructor(
    readonly baseUrl: string,
    connections: number,
    private readonly timeoutMs = 30_000,
  ) {
    this.pool = new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  async call<T>(method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<Answer<T>> {
    try {
      const response = await this.pool.request({
        method,
        path: `/v1${path}`,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const text = await response.body.text();
      let parsed: T | undefined;
      try {
        parsed = text ? (JSON.parse(text) as T) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.statusCode, body: parsed };
    } catch (error) {
      const code = (error as { code?: string }).code;
      return { status: 0, body: undefined, error: code ?? (error as Error).message };
    }
  }

  /** Like call(), but anything but `expected` is an error naming the request. */
  async must<T>(method: 'GET' | 'POST', path: string, key: string, body: unknown, expected: number): Promise<T> {
    const answer = await this.call<T>(method, path, key, body);
    if (answer.status !== expected || answer.body === undefined) {
      const detail = answer.error ?? JSON.stringify(answer.body)?.slice(0, 300);
      throw new Error(`${method} ${path} answered ${answer.status} (expected ${expected}): ${detail}`);
    }
    return answer.body;
  }

  async createWorkspace(adminKey: string, name: string): Promise<string> {
    const answer = await this.must<{ data: { id: string } }>('POST', '/workspaces', adminKey, { name }, 201);
    return answer.data.id;
  }

  async createApiKey(adminKey: string, ws: string): Promise<string> {
    const answer = await this.must<{ data: { key: string } }>('POST', `/workspaces/${ws}/api-keys`, adminKey, { name: 'bench' }, 201);
    return answer.data.key;
  }

  async createEventType(key: string, ws: string, name: string): Promise<void> {
    const answer = await this.call('POST', `/workspaces/${ws}/webhook-events`, key, { name, description: 'benchmark events' });
    if (answer.status !== 201 && answer.status !== 200) {
      throw new Error(`POST /workspaces/${ws}/webhook-events answered ${answer.status}: ${answer.error ?? JSON.stringify(answer.body)}`);
    }
  }

  async createWebhook(key: string, ws: string, spec: WebhookSpec): Promise<string> {
    const answer = await this.must<{ data: { id: string } }>('POST', `/workspaces/${ws}/webhooks`, key, spec, 201);
    return answer.data.id;
  }

  /** Every delivery matching the query, page by page (at most `limit` of them). */
  async listDeliveries(key: string, ws: string, query: Record<string, string>, limit: number): Promise<DeliveryView[]> {
    const found: DeliveryView[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < Math.ceil(limit / 200) + 1; page++) {
      const params = new URLSearchParams({ ...query, limit: '200', ...(cursor ? { cursor } : {}) });
      const answer: { data: DeliveryView[]; nextCursor: string | null } = await this.must(
        'GET',
        `/workspaces/${ws}/deliveries?${params.toString()}`,
        key,
        undefined,
        200,
      );
      found.push(...answer.data);
      cursor = answer.nextCursor;
      if (!cursor || found.length >= limit) break;
    }
    return found;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
