// A webhook's delivery statistics over a recent window, from its attempts: how many succeeded and
// failed, and how long they took, in the whole window and per bucket. Pure: the store reads the
// attempts (a bounded read), this computes, so FerretDB needs no aggregation pipeline.

export const STATS_WINDOWS = ['hour', 'day'] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** How far back each window reaches, and the width of its buckets: 12 of 5 min, or 24 of 1 h. */
export const STATS_WINDOW_SPANS: Record<StatsWindow, { spanMs: number; bucketMs: number }> = {
  hour: { spanMs: HOUR_MS, bucketMs: 5 * MINUTE_MS },
  day: { spanMs: 24 * HOUR_MS, bucketMs: HOUR_MS },
};

/** At most this many deliveries are read for one answer; past it the answer says `truncated`. */
export const STATS_MAX_DELIVERIES = 5000;

/** One attempt as the statistics see it. */
export interface AttemptSample {
  atMs: number;
  durationMs: number;
  succeeded: boolean;
}

export interface StatsBucket {
  start: string;
  succeeded: number;
  failed: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface DeliveryStats {
  window: StatsWindow;
  since: string;
  total: number;
  succeeded: number;
  failed: number;
  /** succeeded / total, or null without attempts. */
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  buckets: StatsBucket[];
}

/**
 * The window ends with the bucket that holds `nowMs`, so buckets have round starts (xx:05, xx:00)
 * and the last one is filling; `since` is the first bucket's start.
 */
export function windowStart(window: StatsWindow, nowMs: number): number {
  const { spanMs, bucketMs } = STATS_WINDOW_SPANS[window];
  return Math.floor(nowMs / bucketMs) * bucketMs + bucketMs - spanMs;
}

/** The nearest-rank percentile of ascending values: the smallest value with at least p % at or below it. */
export function percentile(ascending: readonly number[], p: number): number | null {
  if (ascending.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * ascending.length));
  return ascending[rank - 1];
}

interface Tally {
  succeeded: number;
  failed: number;
  durations: number[];
}

const emptyTally = (): Tally => ({ succeeded: 0, failed: 0, durations: [] });

function add(tally: Tally, sample: AttemptSample): void {
  if (sample.succeeded) tally.succeeded += 1;
  else tally.failed += 1;
  tally.durations.push(sample.durationMs);
}

function latencies(tally: Tally): { p50Ms: number | null; p95Ms: number | null } {
  const sorted = [...tally.durations].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95) };
}

/** The statistics of the attempts made in the window that ends at `nowMs`; samples outside it are ignored. */
export function deliveryStats(window: StatsWindow, nowMs: number, samples: Iterable<AttemptSample>): DeliveryStats {
  const { spanMs, bucketMs } = STATS_WINDOW_SPANS[window];
  const sinceMs = windowStart(window, nowMs);
  const buckets = Array.from({ length: spanMs / bucketMs }, emptyTally);
  const all = emptyTally();
  for (const sample of samples) {
    if (sample.atMs < sinceMs || sample.atMs > nowMs) continue;
    add(all, sample);
    add(buckets[Math.min(buckets.length - 1, Math.floor((sample.atMs - sinceMs) / bucketMs))], sample);
  }
  const total = all.succeeded + all.failed;
  return {
    window,
    since: new Date(sinceMs).toISOString(),
    total,
    succeeded: all.succeeded,
    failed: all.failed,
    successRate: total === 0 ? null : all.succeeded / total,
    ...latencies(all),
    buckets: buckets.map((tally, i) => ({
      start: new Date(sinceMs + i * bucketMs).toISOString(),
      succeeded: tally.succeeded,
      failed: tally.failed,
      ...latencies(tally),
    })),
  };
}
