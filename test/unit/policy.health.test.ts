// The endpoint-health rule and the buffer window, with the numbers written out.
import {
  bufferUntilMs,
  DEFAULT_BUFFER_SECONDS,
  DEFAULT_DEACTIVATION,
  effectiveBufferSeconds,
  effectiveRule,
  heldStatus,
  streakCrossesThreshold,
} from '../../src/policy';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('the deactivation rule', () => {
  it('defaults to 10 consecutive failures spanning at least 30 minutes, and a 5-day buffer', () => {
    expect(DEFAULT_DEACTIVATION).toEqual({ consecutiveFailures: 10, minFailingSeconds: 1800 });
    expect(DEFAULT_BUFFER_SECONDS).toBe(432_000);
  });

  it('needs both the count and the time span', () => {
    const start = Date.UTC(2026, 0, 1);
    const rule = DEFAULT_DEACTIVATION;
    // 10 failures within 29 minutes: not yet.
    expect(streakCrossesThreshold({ count: 10, sinceMs: start }, rule, start + 29 * MINUTE)).toBe(false);
    // 9 failures over two hours: not yet.
    expect(streakCrossesThreshold({ count: 9, sinceMs: start }, rule, start + 2 * HOUR)).toBe(false);
    // The 10th failure at minute 30 exactly: switched off.
    expect(streakCrossesThreshold({ count: 10, sinceMs: start }, rule, start + 30 * MINUTE)).toBe(true);
    expect(streakCrossesThreshold({ count: 11, sinceMs: start }, rule, start + 31 * MINUTE)).toBe(true);
  });

  it('with no minimum span, the count alone decides', () => {
    const rule = { consecutiveFailures: 3, minFailingSeconds: 0 };
    expect(streakCrossesThreshold({ count: 2, sinceMs: 0 }, rule, 0)).toBe(false);
    expect(streakCrossesThreshold({ count: 3, sinceMs: 0 }, rule, 0)).toBe(true);
  });

  it('takes each field from the webhook, else the workspace, else the default', () => {
    expect(effectiveRule(undefined, undefined)).toEqual(DEFAULT_DEACTIVATION);
    expect(effectiveRule(undefined, { consecutiveFailures: 4 })).toEqual({ consecutiveFailures: 4, minFailingSeconds: 1800 });
    expect(effectiveRule({ minFailingSeconds: 0 }, { consecutiveFailures: 4, minFailingSeconds: 60 })).toEqual({
      consecutiveFailures: 4,
      minFailingSeconds: 0,
    });
    expect(effectiveBufferSeconds(undefined, undefined)).toBe(432_000);
    expect(effectiveBufferSeconds(undefined, { bufferSeconds: 3600 })).toBe(3600);
    expect(effectiveBufferSeconds({ bufferSeconds: 60 }, { bufferSeconds: 3600 })).toBe(60);
  });
});

describe('the buffer window', () => {
  const deactivatedAt = Date.UTC(2026, 0, 1);
  const bufferUntil = deactivatedAt + DEFAULT_BUFFER_SECONDS * 1000;

  it('buffers an event 4 days 23 hours after the deactivation and drops one 5 days 1 hour after', () => {
    expect(heldStatus(bufferUntil, deactivatedAt + 4 * DAY + 23 * HOUR)).toBe('buffered');
    expect(heldStatus(bufferUntil, deactivatedAt + 5 * DAY + HOUR)).toBe('dropped');
  });

  it('closes exactly at the end of the window', () => {
    expect(heldStatus(bufferUntil, bufferUntil - 1)).toBe('buffered');
    expect(heldStatus(bufferUntil, bufferUntil)).toBe('dropped');
  });

  it('ends the effective window after the deactivation', () => {
    expect(bufferUntilMs(deactivatedAt)).toBe(bufferUntil);
    expect(bufferUntilMs(deactivatedAt, undefined, { bufferSeconds: 3600 })).toBe(deactivatedAt + HOUR);
    expect(bufferUntilMs(deactivatedAt, { bufferSeconds: 60 }, { bufferSeconds: 3600 })).toBe(deactivatedAt + 60_000);
  });

  it('drops nothing for a webhook switched off before windows were recorded', () => {
    expect(heldStatus(undefined, deactivatedAt + 365 * DAY)).toBe('buffered');
  });
});
