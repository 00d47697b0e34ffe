// The console's wording of times, durations, rates and a webhook's state, and its chart columns.
import {
  attemptOutcome,
  chartColumns,
  formatDuration,
  formatPercent,
  formatTime,
  lastOutcome,
  relativeTime,
  statusTone,
  webhookState,
} from '../../src/console/format';
import type { Webhook } from '../../src/console/types';

const webhook = (fields: Partial<Webhook> = {}): Webhook => ({
  id: 'wh_1',
  name: 'Orders',
  url: 'https://example.com/in',
  events: ['order.paid'],
  method: 'POST',
  contentType: 'json',
  active: true,
  hasSecret: false,
  retryPolicy: { preset: 'fixed' },
  timeoutMs: 5000,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  ...fields,
});

describe('formatTime', () => {
  it('shows a time in the local zone, to the second', () => {
    const local = new Date(2026, 11, 3, 8, 4, 5); // 3 December 2026, 08:04:05 wherever the test runs
    expect(formatTime(local.toISOString())).toBe('2026-12-03 08:04:05');
  });

  it('shows a dash for no time, and an unreadable one as it is', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatTime(undefined)).toBe('—');
    expect(formatTime('yesterday')).toBe('yesterday');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [849.6, '850 ms'],
    [1000, '1 s'],
    [1234, '1.2 s'],
    [59_900, '59.9 s'],
    [60_000, '1 min'],
    [125_000, '2 min 5 s'],
    [3_600_000, '1 h'],
    [11_400_000, '3 h 10 min'],
    [2 * 86_400_000, '2 d'],
    [2 * 86_400_000 + 3_600_000, '2 d 1 h'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('shows a dash for no duration', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('relativeTime', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  it('says how far ahead or behind a time is', () => {
    expect(relativeTime('2026-12-03T12:04:00Z', now)).toBe('in 4 min');
    expect(relativeTime('2026-12-03T11:59:48Z', now)).toBe('12 s ago');
    expect(relativeTime('2026-12-03T12:00:00.400Z', now)).toBe('now');
  });
});

describe('formatPercent', () => {
  it('shows a rate as a percentage, whole at the ends', () => {
    expect(formatPercent(1)).toBe('100 %');
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(0.995)).toBe('99.5 %');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('statusTone', () => {
  it('gives every delivery status a tone', () => {
    expect(['succeeded', 'failed', 'expired', 'dropped', 'pending', 'buffered', 'cancelled', 'discarded'].map((s) => statusTone(s as never))).toEqual([
      'ok',
      'bad',
      'bad',
      'bad',
      'warn',
      'warn',
      'muted',
      'muted',
    ]);
  });
});

describe('attempt outcomes', () => {
  it('names the status code and the error', () => {
    expect(attemptOutcome({ n: 1, at: '', durationMs: 5, statusCode: 500 })).toBe('HTTP 500');
    expect(attemptOutcome({ n: 1, at: '', durationMs: 5, error: { kind: 'timeout', message: 'no answer in 5 s' } })).toBe('timeout: no answer in 5 s');
    expect(lastOutcome({ attempts: [] })).toBe('no attempt yet');
    expect(
      lastOutcome({
        attempts: [
          { n: 1, at: '', durationMs: 5, statusCode: 500 },
          { n: 2, at: '', durationMs: 5, statusCode: 200 },
        ],
      }),
    ).toBe('HTTP 200');
  });
});

describe('webhookState', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');

  it('an active webhook with nothing to say', () => {
    expect(webhookState(webhook(), now)).toEqual({ label: 'Active', tone: 'ok', details: [] });
  });

  it('an active webhook that is failing: warned with its streak', () => {
    const state = webhookState(webhook({ failureStreak: { count: 3, since: '2026-12-03T11:00:00Z' } }), now);
    expect(state.tone).toBe('warn');
    expect(state.details).toEqual([`3 failed attempts in a row since ${formatTime('2026-12-03T11:00:00Z')}`]);
  });

  it('an inactive webhook: why, since when, what waits in its buffer and until when', () => {
    const state = webhookState(
      webhook({
        active: false,
        deactivatedAt: '2026-12-03T10:00:00Z',
        deactivationReason: '10 consecutive failures',
        bufferUntil: '2026-12-08T10:00:00Z',
        bufferedDeliveries: 1,
      }),
      now,
    );
    expect(state).toEqual({
      label: 'Off',
      tone: 'bad',
      details: [
        `Off since ${formatTime('2026-12-03T10:00:00Z')}: 10 consecutive failures`,
        `1 buffered event waits; new events are buffered until ${formatTime('2026-12-08T10:00:00Z')}`,
      ],
    });
  });

  it('says when the buffer window has closed, and without a count when the list does not have it', () => {
    const state = webhookState(webhook({ active: false, bufferUntil: '2026-12-01T10:00:00Z' }), now);
    expect(state.details).toEqual([
      'Off: no reason recorded',
      `Events are buffered; the buffer closed at ${formatTime('2026-12-01T10:00:00Z')}, newer events are dropped`,
    ]);
  });

  it("shows a replay's progress", () => {
    expect(webhookState(webhook({ replay: { total: 40, done: 12, startedAt: '2026-12-03T11:59:00Z' } }), now).details).toEqual([
      'Replaying the buffer: 12 of 40 sent',
    ]);
  });
});

describe('chartColumns', () => {
  it('gives uPlot time in seconds, counts, and latencies with gaps, in time order', () => {
    const columns = chartColumns({
      buckets: [
        { start: '2026-12-03T12:05:00Z', succeeded: 3, failed: 1, p50Ms: 40, p95Ms: 90 },
        { start: '2026-12-03T12:00:00Z', succeeded: 0, failed: 0, p50Ms: null, p95Ms: null },
      ],
    });
    const t0 = Date.parse('2026-12-03T12:00:00Z') / 1000;
    expect(columns).toEqual([
      [t0, t0 + 300],
      [0, 3],
      [0, 1],
      [null, 40],
      [null, 90],
    ]);
  });
});
