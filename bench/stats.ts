// Exact percentiles from sorted samples, 1-second throughput buckets and a downsampled CDF.
import { round } from './util';

export interface Distribution {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function distribution(samples: number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    mean: round(sorted.length ? sum / sorted.length : Number.NaN),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

/** Arrivals per 1 s bucket, counted from `start` (all times in ms). */
export function perSecond(times: Iterable<number>, start: number): number[] {
  const buckets: number[] = [];
  for (const at of times) {
    const index = Math.max(0, Math.floor((at - start) / 1000));
    while (buckets.length <= index) buckets.push(0);
    buckets[index] = buckets[index] + 1;
  }
  return buckets;
}

/** At most `points` (latency, fraction ≤ latency) pairs of the empirical CDF. */
export function cdf(samples: number[], points = 200): Array<{ ms: number; fraction: number }> {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const step = Math.max(1, Math.floor(sorted.length / points));
  const out: Array<{ ms: number; fraction: number }> = [];
  for (let i = step - 1; i < sorted.length; i += step) out.push({ ms: round(sorted[i], 2), fraction: round((i + 1) / sorted.length, 4) });
  const last = sorted[sorted.length - 1];
  if (out[out.length - 1]?.fraction !== 1) out.push({ ms: round(last, 2), fraction: 1 });
  return out;
}

/** `count` per second over the span from `start` to `end` (ms). */
export function ratePerSecond(count: number, start: number, end: number): number {
  const seconds = (end - start) / 1000;
  return seconds > 0 ? round(count / seconds) : Number.NaN;
}
