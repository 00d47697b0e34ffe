// A webhook's delivery statistics: a bounded read of its recent attempts, computed in Node
// (src/policy/stats.ts), since FerretDB v1 runs no aggregation that would unwind and bucket them.
import { deliveryStats, STATS_MAX_DELIVERIES, windowStart, type AttemptSample, type DeliveryStats, type StatsWindow } from '../policy/stats';
import type { Store } from '../store';

export interface WebhookStats extends DeliveryStats {
  /** More deliveries had attempts in the window than one answer reads: the figures cover the most recent ones. */
  truncated: boolean;
}

export async function webhookStats(store: Store, workspaceId: string, webhookId: string, window: StatsWindow, now = new Date()): Promise<WebhookStats> {
  const sinceMs = windowStart(window, now.getTime());
  const docs = await store.deliveries.attemptsSince(workspaceId, webhookId, new Date(sinceMs), STATS_MAX_DELIVERIES);
  const samples: AttemptSample[] = docs.flatMap((doc) =>
    doc.attempts.map((attempt) => ({ atMs: Date.parse(attempt.at), durationMs: attempt.durationMs, succeeded: attempt.error === undefined })),
  );
  return { ...deliveryStats(window, now.getTime(), samples), truncated: docs.length >= STATS_MAX_DELIVERIES };
}
