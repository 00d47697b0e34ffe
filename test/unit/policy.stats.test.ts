// A webhook's attempt statistics, computed from samples: the window's edges, the buckets, the
// counts, the nearest-rank percentiles and the empty cases.
import { deliveryStats, percentile, STATS_WINDOW_SPANS, windowStart, type AttemptSample } from '../../src/policy/stats';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// 12:07:30 UTC: inside the 12:05 bucket of the hour window and the 12:00 bucket of the day window.
const NOW = Date.parse('2026-12-03T12:07:30.000Z');

const ok = (atMs: number, durationMs: number): AttemptSample => ({ atMs, durationMs, succeeded: true });
const failed = (atMs: number, durationMs: number): AttemptSample => ({ atMs, durationMs, succeeded: false });

describe('the windows', () => {
  it('are an hour of 5-minute buckets and a day of 1-hour buckets', () => {
    expect(STATS_WINDOW_SPANS).toEqual({ hour: { spanMs: HOUR, bucketMs: 5 * MINUTE }, day: { spanMs: 24 * HOUR, bucketMs: HOUR } });
  });

  it('end with the bucket that holds now, so buckets start on round times', () => {
    expect(new Date(windowStart('hour', NOW)).toISOString()).toBe('2026-12-03T11:10:00.000Z');
    expect(new Date(windowStart('day', NOW)).toISOString()).toBe('2026-12-02T13:00:00.000Z');
  });
});

describe('percentile (nearest rank)', () => {
  it('is null without values and picks an actual value otherwise', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
  });
});

describe('deliveryStats', () => {
  it('has null rates and latencies, and empty buckets, without attempts', () => {
    const stats = deliveryStats('hour', NOW, []);
    expect(stats).toMatchObject({
      window: 'hour',
      since: '2026-12-03T11:10:00.000Z',
      total: 0,
      succeeded: 0,
      failed: 0,
      successRate: null,
      p50Ms: null,
      p95Ms: null,
    });
    expect(stats.buckets).toHaveLength(12);
    expect(stats.buckets[0]).toEqual({ start: '2026-12-03T11:10:00.000Z', succeeded: 0, failed: 0, p50Ms: null, p95Ms: null });
    expect(stats.buckets[11].start).toBe('2026-12-03T12:05:00.000Z');
  });

  it('counts attempts in the window into their buckets and ignores the rest', () => {
    const since = windowStart('hour', NOW);
    const samples = [
      ok(since - 1, 999), // before the window
      ok(since, 100), // first bucket, at its very start
      failed(since + 4 * MINUTE, 300),
      ok(since + 5 * MINUTE, 200), // second bucket
      ok(NOW - 1000, 50), // last bucket
      failed(NOW, 5000), // now itself counts
      ok(NOW + 1, 1), // in the future: not yet
    ];
    const stats = deliveryStats('hour', NOW, samples);
    expect(stats).toMatchObject({ total: 5, succeeded: 3, failed: 2, successRate: 0.6, p50Ms: 200, p95Ms: 5000 });
    expect(stats.buckets[0]).toEqual({ start: new Date(since).toISOString(), succeeded: 1, failed: 1, p50Ms: 100, p95Ms: 300 });
    expect(stats.buckets[1]).toMatchObject({ succeeded: 1, failed: 0, p50Ms: 200, p95Ms: 200 });
    expect(stats.buckets[11]).toMatchObject({ succeeded: 1, failed: 1, p50Ms: 50, p95Ms: 5000 });
    expect(stats.buckets.slice(2, 11).every((bucket) => bucket.succeeded + bucket.failed === 0)).toBe(true);
  });

  it('buckets a day by the hour', () => {
    const since = windowStart('day', NOW);
    const stats = deliveryStats('day', NOW, [ok(since + 30 * MINUTE, 10), ok(since + 23 * HOUR + MINUTE, 20), failed(since + 23 * HOUR + 2 * MINUTE, 40)]);
    expect(stats.buckets).toHaveLength(24);
    expect(stats.buckets[0]).toMatchObject({ start: '2026-12-02T13:00:00.000Z', succeeded: 1, failed: 0 });
    expect(stats.buckets[23]).toMatchObject({ start: '2026-12-03T12:00:00.000Z', succeeded: 1, failed: 1, p50Ms: 20, p95Ms: 40 });
    expect(stats.successRate).toBeCloseTo(2 / 3);
  });
});
