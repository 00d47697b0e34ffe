// Retry-After: how the header is read, and how far it may move a delivery's next attempt.
import {
  FIXED_RETRY_AFTER_INTERVALS,
  nextAttemptHonouringRetryAfter,
  parseRetryAfter,
  resolvePolicy,
  RETRY_AFTER_STATUSES,
  retryAfterBoundSeconds,
  type RetryAfterContext,
} from '../../src/policy';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const YEAR_SECONDS = 365 * 24 * 60 * 60;

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('120', NOW)).toBe(120);
    expect(parseRetryAfter(' 42 ', NOW)).toBe(42);
    expect(parseRetryAfter('007', NOW)).toBe(7);
  });

  it('reads an HTTP-date in each of its three forms, rounding up to whole seconds', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:02:00 GMT', NOW)).toBe(120);
    expect(parseRetryAfter('Saturday, 01-Mar-25 12:02:00 GMT', NOW)).toBe(120);
    expect(parseRetryAfter('Sat Mar  1 12:02:00 2025', NOW)).toBe(120);
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:02:00 GMT', NOW + 500)).toBe(120);
    expect(parseRetryAfter('Sun, 02 Mar 2025 12:00:00 GMT', NOW)).toBe(86400);
  });

  it('reads a date in the past, or now, as no wait', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0);
    // A two-digit year is never more than 50 years ahead: '94' is 1994.
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(0);
  });

  it('reads a huge value as at most a year', () => {
    expect(parseRetryAfter('99999999999', NOW)).toBe(YEAR_SECONDS);
    expect(parseRetryAfter('9'.repeat(400), NOW)).toBe(YEAR_SECONDS);
    expect(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', NOW)).toBe(YEAR_SECONDS);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['negative', '-5'],
    ['fractional', '1.5'],
    ['signed', '+30'],
    ['exponent', '1e3'],
    ['hex', '0x10'],
    ['words', 'soon'],
    ['a number and words', '30 seconds'],
    ['an ISO date', '2025-03-01T12:02:00Z'],
    ['a date without its zone', 'Sat, 01 Mar 2025 12:02:00'],
    ['a date in another zone', 'Sat, 01 Mar 2025 12:02:00 CET'],
    ['a lowercase date', 'sat, 01 mar 2025 12:02:00 gmt'],
    ['an impossible day', 'Mon, 31 Feb 2025 12:02:00 GMT'],
    ['an impossible hour', 'Sat, 01 Mar 2025 25:02:00 GMT'],
  ])('refuses %s', (_what, header) => {
    expect(parseRetryAfter(header, NOW)).toBeNull();
  });
});

describe('retryAfterBoundSeconds', () => {
  it('honours 429 and 503 only', () => {
    expect(RETRY_AFTER_STATUSES).toEqual([429, 503]);
  });

  it("is the preset's longest interval; for fixed, four intervals", () => {
    expect(FIXED_RETRY_AFTER_INTERVALS).toBe(4);
    expect(retryAfterBoundSeconds(resolvePolicy({ preset: 'fixed' }), 'priority')).toBe(1200);
    expect(retryAfterBoundSeconds(resolvePolicy({ preset: 'fixed', intervalSeconds: 10 }), 'priority')).toBe(40);
    expect(retryAfterBoundSeconds(resolvePolicy({ preset: 'max-attempts' }), 'priority')).toBe(21600);
    expect(retryAfterBoundSeconds(resolvePolicy({ preset: 'progressive' }), 'priority')).toBe(480);
    expect(retryAfterBoundSeconds(resolvePolicy({ preset: 'progressive' }), 'slow')).toBe(86400);
    expect(retryAfterBoundSeconds(resolvePolicy({ preset: 'progressive', maxIntervalSeconds: 60 }), 'priority')).toBe(60);
  });
});

describe('nextAttemptHonouringRetryAfter', () => {
  const SECOND = 1000;
  // fixed: every 300 s, so a Retry-After may reach 1 200 s after the answer.
  const base: RetryAfterContext = {
    policy: resolvePolicy({ preset: 'fixed' }),
    lane: 'priority',
    plannedAtMs: NOW + 310 * SECOND,
    nowMs: NOW + 2 * SECOND,
    retryAfterSeconds: 0,
    deadlineMs: null,
  };
  const next = (change: Partial<RetryAfterContext>) => nextAttemptHonouringRetryAfter({ ...base, ...change });

  it('keeps the planned time when the header asks for less', () => {
    expect(next({ retryAfterSeconds: 0 })).toBe(base.plannedAtMs);
    expect(next({ retryAfterSeconds: 60 })).toBe(base.plannedAtMs);
    expect(next({ retryAfterSeconds: 308 })).toBe(base.plannedAtMs);
  });

  it('waits as long as the header asks, counted from the answer, when that is later', () => {
    expect(next({ retryAfterSeconds: 600 })).toBe(base.nowMs + 600 * SECOND);
    expect(next({ retryAfterSeconds: 1200 })).toBe(base.nowMs + 1200 * SECOND);
  });

  it("never waits longer than the preset's bound", () => {
    expect(next({ retryAfterSeconds: 1201 })).toBe(base.nowMs + 1200 * SECOND);
    expect(next({ retryAfterSeconds: YEAR_SECONDS })).toBe(base.nowMs + 1200 * SECOND);
    const progressive = resolvePolicy({ preset: 'progressive' });
    expect(next({ policy: progressive, retryAfterSeconds: 3600 })).toBe(base.nowMs + 480 * SECOND);
    // In the slow lane the bound is the slow lane's longest interval; the plan is never shortened.
    const slowPlan = NOW + 50_000 * SECOND;
    expect(next({ policy: progressive, lane: 'slow', plannedAtMs: slowPlan, retryAfterSeconds: 3600 })).toBe(slowPlan);
    expect(next({ policy: progressive, lane: 'slow', plannedAtMs: slowPlan, retryAfterSeconds: YEAR_SECONDS })).toBe(base.nowMs + 86400 * SECOND);
  });

  it("never waits past the delivery's deadline, where it expires", () => {
    const deadlineMs = NOW + 900 * SECOND;
    expect(next({ retryAfterSeconds: 600, deadlineMs })).toBe(base.nowMs + 600 * SECOND);
    expect(next({ retryAfterSeconds: 1200, deadlineMs })).toBe(deadlineMs);
    // A plan already past the deadline is left as it is: nothing changes for the record either.
    const late = { plannedAtMs: NOW + 1000 * SECOND, deadlineMs };
    expect(next({ ...late, retryAfterSeconds: 1200 })).toBe(late.plannedAtMs);
  });
});
