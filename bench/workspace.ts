// Each measured phase gets its own workspace: an API key, one event type and `fanout` webhooks,
// each posting to its own path of the receiver channel, so nothing of one phase counts in another.
import type { HeraldApi, WebhookSpec } from './api';
import type { BenchReceiver } from './receiver';

export interface BenchWorkspace {
  ws: string;
  key: string;
  eventType: string;
  webhookIds: string[];
  channel: string;
}

export interface WorkspaceSpec {
  channel: string;
  fanout: number;
  retryPolicy?: Record<string, unknown>;
  /** The webhook's attempt timeout, ms; the preset's otherwise. */
  timeoutMs?: number;
  /** An endpoint-health rule that never switches the webhook off during the run. */
  neverDeactivate?: boolean;
}

export async function createBenchWorkspace(api: HeraldApi, adminKey: string, receiver: BenchReceiver, spec: WorkspaceSpec): Promise<BenchWorkspace> {
  const ws = await api.createWorkspace(adminKey, `bench ${spec.channel} ${new Date().toISOString()}`);
  const key = await api.createApiKey(adminKey, ws);
  const eventType = `bench.${spec.channel}`;
  await api.createEventType(key, ws, eventType);
  const webhookIds: string[] = [];
  for (let slot = 0; slot < spec.fanout; slot++) {
    const webhook: WebhookSpec = { name: `bench ${spec.channel} ${slot}`, url: receiver.url(spec.channel, slot), events: [eventType] };
    if (spec.retryPolicy) webhook.retryPolicy = spec.retryPolicy;
    if (spec.timeoutMs !== undefined) webhook.timeoutMs = spec.timeoutMs;
    if (spec.neverDeactivate) webhook.deactivation = { consecutiveFailures: 10_000, minFailingSeconds: 30 * 86_400 };
    webhookIds.push(await api.createWebhook(key, ws, webhook));
  }
  return { ws, key, eventType, webhookIds, channel: spec.channel };
}
