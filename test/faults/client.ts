// Herald's public REST API as the fault suite's client uses it: set-up calls that must succeed, and
// an ingest that posts each event with its own id until it is answered 202 — a connection reset,
// a timeout, a 5xx or a 429 is posted again after a short pause, until the case's deadline.
import { Agent, request } from 'undici';
import type { Tally } from './tally';

export interface Answer {
  /** 0 when no HTTP answer came (`error` says why). */
  status: number;
  body: any;
  error?: string;
}

/** Long enough for an ingest that waits on a restarting database; short enough to post again soon. */
const REQUEST_TIMEOUT_MS = 10_000;
const REPOST_PAUSE_MS = 250;

/** Retry policy of every webhook in the suite: the fixed preset, a retry every second, for long. */
export const FAST_RETRIES = { preset: 'fixed', intervalSeconds: 1, maxRetries: 1000 } as const;
/** An endpoint-health rule that never switches a webhook off during a run. */
export const NEVER_DEACTIVATE = { consecutiveFailures: 10_000, minFailingSeconds: 30 * 86_400 } as const;

export interface WebhookSpec {
  name: string;
  url: string;
  events: string[];
  timeoutMs?: number;
}

export interface Workspace {
  id: string;
  key: string;
}

export interface IngestStats {
  /** Events answered 202. */
  accepted: number;
  /** Events that never got a 202 before the deadline (or got a 4xx). */
  notAccepted: number;
  /** Posts that were made again, by reason (`HTTP 503`, `ECONNRESET`, `timeout`…). */
  reposts: Record<string, number>;
  /** Time from the first POST to the last 202. */
  seconds: number;
  /** How long each 202 took to come, from its POST (ms). */
  answerMs: number[];
}

export interface IngestPlan {
  ws: Workspace;
  eventType: string;
  /** Event ids are `${idPrefix}-${n}`. */
  idPrefix: string;
  count: number;
  /** Clients posting at once (closed loop). */
  concurrency?: number;
  /** Open loop instead: events per second, sent on schedule. */
  ratePerSecond?: number;
  deadline: number;
  tally: Tally;
  /** Called after every 202, with the number accepted so far. */
  onAccepted?: (accepted: number) => void;
}

export class HeraldClient {
  private readonly agent = new Agent({ connections: 128, keepAliveTimeout: 10_000 });

  constructor(
    readonly baseUrl: string,
    private readonly adminKey: string,
  ) {}

  async call(method: 'GET' | 'POST' | 'DELETE', path: string, key: string, body?: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Answer> {
    try {
      const response = await request(`${this.baseUrl}/v1${path}`, {
        method,
        dispatcher: this.agent,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.body.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: response.statusCode, body: parsed };
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
      const name = (error as Error).name;
      return { status: 0, body: undefined, error: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : (code ?? (error as Error).message) };
    }
  }

  private async must(method: 'POST', path: string, key: string, body: unknown): Promise<any> {
    const answer = await this.call(method, path, key, body);
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`${method} ${path} answered ${answer.status || answer.error}: ${JSON.stringify(answer.body)?.slice(0, 300)}`);
    }
    return answer.body.data;
  }

  /** A workspace of its own for a case, a key with every scope, and its event types in the catalog. */
  async createWorkspace(name: string, eventTypes: string[]): Promise<Workspace> {
    const { id } = await this.must('POST', '/workspaces', this.adminKey, { name });
    const { key } = await this.must('POST', `/workspaces/${id}/api-keys`, this.adminKey, { name: 'faults' });
    for (const type of eventTypes) await this.must('POST', `/workspaces/${id}/webhook-events`, key, { name: type, description: 'fault suite events' });
    return { id: id as string, key: key as string };
  }

  /** A webhook with short retries that is never switched off; its id. */
  async createWebhook(ws: Workspace, spec: WebhookSpec): Promise<string> {
    const { id } = await this.must('POST', `/workspaces/${ws.id}/webhooks`, ws.key, { ...spec, retryPolicy: FAST_RETRIES, deactivation: NEVER_DEACTIVATE });
    return id as string;
  }

  /**
   * Posts `plan.count` events, each until it is answered 202 or the deadline passes, and books
   * the deliveries every 202 lists in the tally (with the time of the event's first POST).
   */
  async ingest(plan: IngestPlan): Promise<IngestStats> {
    const stats: IngestStats = { accepted: 0, notAccepted: 0, reposts: {}, seconds: 0, answerMs: [] };
    const started = Date.now();
    let lastAccepted = started;
    const postOne = async (n: number): Promise<void> => {
      const id = `${plan.idPrefix}-${n}`;
      const event = { id, type: plan.eventType, data: { n, sentAt: new Date().toISOString() } };
      const firstSentAt = Date.now();
      for (;;) {
        const postedAt = Date.now();
        const answer = await this.call('POST', `/workspaces/${plan.ws.id}/events`, plan.ws.key, event);
        if (answer.status === 202) {
          stats.answerMs.push(Date.now() - postedAt);
          const deliveries = (answer.body?.data?.deliveries ?? []) as Array<{ id: string }>;
          plan.tally.expect(
            deliveries.map((delivery) => delivery.id),
            firstSentAt,
          );
          stats.accepted++;
          lastAccepted = Date.now();
          plan.onAccepted?.(stats.accepted);
          return;
        }
        const retryable = answer.status === 0 || answer.status === 408 || answer.status === 429 || answer.status >= 500;
        const reason = answer.status === 0 ? (answer.error ?? 'no answer') : `HTTP ${answer.status}`;
        if (!retryable || Date.now() + REPOST_PAUSE_MS >= plan.deadline) {
          stats.notAccepted++;
          if (!retryable) stats.reposts[`refused: ${reason}`] = (stats.reposts[`refused: ${reason}`] ?? 0) + 1;
          return;
        }
        stats.reposts[reason] = (stats.reposts[reason] ?? 0) + 1;
        await sleep(REPOST_PAUSE_MS);
      }
    };

    if (plan.ratePerSecond !== undefined) {
      const gapMs = 1000 / plan.ratePerSecond;
      const sends: Promise<void>[] = [];
      for (let n = 0; n < plan.count; n++) {
        const wait = started + n * gapMs - Date.now();
        if (wait > 0) await sleep(wait);
        sends.push(postOne(n));
      }
      await Promise.all(sends);
    } else {
      let next = 0;
      const client = async (): Promise<void> => {
        while (next < plan.count) await postOne(next++);
      };
      await Promise.all(Array.from({ length: Math.min(plan.concurrency ?? 16, plan.count) }, client));
    }
    stats.seconds = (lastAccepted - started) / 1000;
    return stats;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** "ECONNRESET 12, HTTP 503 3" for the notes. */
export function describeReposts(reposts: Record<string, number>): string {
  return Object.entries(reposts)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, count]) => `${reason} ×${count}`)
    .join(', ');
}
