// Defaults per preset, the success rule and the age limit, all written out explicitly.

import {
  DEFAULT_PRESET,
  defaultSuccessCodes,
  defaultTimeoutMs,
  expiresAtMs,
  isExpired,
  isSuccessStatus,
  remainingAgeSeconds,
  resolvePolicy,
} from '../../src/policy';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('resolvePolicy', () => {
  it('uses the fixed preset when a webhook names none', () => {
    expect(DEFAULT_PRESET).toBe('fixed');
    expect(resolvePolicy(undefined)).toEqual(resolvePolicy({ preset: 'fixed' }));
  });

  it('fills in the fixed defaults', () => {
    expect(resolvePolicy({ preset: 'fixed' })).toMatchObject({
      preset: 'fixed',
      maxRetries: 5,
      intervalSeconds: 300,
      maxAgeSeconds: 86400,
      successCodes: range(200, 299),
      timeoutMs: 5000,
    });
  });

  it('fills in the progressive defaults', () => {
    expect(resolvePolicy({ preset: 'progressive' })).toMatchObject({
      preset: 'progressive',
      maxRetries: 50,
      initialIntervalSeconds: 5,
      maxIntervalSeconds: 480,
      slowLaneMinSeconds: 43200,
      slowLaneMaxSeconds: 86400,
      maxAgeSeconds: null,
      successCodes: [200, 201, 202, 204],
      timeoutMs: 15000,
    });
  });

  it('fills in the max-attempts defaults', () => {
    expect(resolvePolicy({ preset: 'max-attempts' })).toMatchObject({
      preset: 'max-attempts',
      maxRetries: 20,
      initialIntervalSeconds: 30,
      maxIntervalSeconds: 21600,
      maxAgeSeconds: null,
      successCodes: [200],
      timeoutMs: 15000,
    });
  });

  it('applies overrides, including an explicit null age limit', () => {
    const resolved = resolvePolicy({ preset: 'fixed', maxRetries: 2, intervalSeconds: 10, maxAgeSeconds: null });
    expect(resolved).toMatchObject({ maxRetries: 2, intervalSeconds: 10, maxAgeSeconds: null });
    expect(resolvePolicy({ preset: 'progressive', maxAgeSeconds: 3600 }).maxAgeSeconds).toBe(3600);
  });

  it('ignores overrides the preset does not use', () => {
    expect(resolvePolicy({ preset: 'progressive', intervalSeconds: 7 })).toEqual(resolvePolicy({ preset: 'progressive' }));
    expect(resolvePolicy({ preset: 'fixed', initialIntervalSeconds: 7 })).toEqual(resolvePolicy({ preset: 'fixed' }));
  });

  it('takes successCodes and timeoutMs from the webhook when given', () => {
    const resolved = resolvePolicy({ preset: 'max-attempts' }, { successCodes: [200, 409], timeoutMs: 2500 });
    expect(resolved.successCodes).toEqual([200, 409]);
    expect(resolved.timeoutMs).toBe(2500);
    expect(resolvePolicy(undefined, { timeoutMs: 1000 })).toMatchObject({ preset: 'fixed', timeoutMs: 1000 });
  });

  it('hands out copies, so a caller cannot change a preset', () => {
    resolvePolicy({ preset: 'progressive' }).successCodes.push(500);
    defaultSuccessCodes('max-attempts').push(500);
    expect(defaultSuccessCodes('progressive')).toEqual([200, 201, 202, 204]);
    expect(defaultSuccessCodes('max-attempts')).toEqual([200]);
  });

  it('exposes the per-preset defaults for the webhook-level settings', () => {
    expect(defaultSuccessCodes('fixed')).toEqual(range(200, 299));
    expect([defaultTimeoutMs('fixed'), defaultTimeoutMs('progressive'), defaultTimeoutMs('max-attempts')]).toEqual([5000, 15000, 15000]);
  });
});

describe('isSuccessStatus', () => {
  const successesAmong = (preset: 'fixed' | 'progressive' | 'max-attempts'): number[] =>
    range(100, 599).filter((code) => isSuccessStatus(resolvePolicy({ preset }), code));

  it('fixed: any 2xx', () => {
    expect(successesAmong('fixed')).toEqual(range(200, 299));
    const fixed = resolvePolicy({ preset: 'fixed' });
    expect([199, 200, 299, 300].map((code) => isSuccessStatus(fixed, code))).toEqual([false, true, true, false]);
  });

  it('progressive: 200, 201, 202 and 204 only', () => {
    expect(successesAmong('progressive')).toEqual([200, 201, 202, 204]);
    expect(isSuccessStatus(resolvePolicy({ preset: 'progressive' }), 203)).toBe(false);
  });

  it('max-attempts: exactly 200', () => {
    expect(successesAmong('max-attempts')).toEqual([200]);
    expect(isSuccessStatus(resolvePolicy({ preset: 'max-attempts' }), 201)).toBe(false);
  });

  it('follows the webhook override', () => {
    const custom = resolvePolicy({ preset: 'fixed' }, { successCodes: [200, 409] });
    expect([200, 201, 409].map((code) => isSuccessStatus(custom, code))).toEqual([true, false, true]);
  });
});

describe('age limit', () => {
  const receivedAt = Date.UTC(2025, 0, 1, 12, 0, 0);
  const DAY_MS = 24 * 60 * 60 * 1000;

  it('fixed: expires exactly 24 h after the event arrived', () => {
    const fixed = resolvePolicy({ preset: 'fixed' });
    expect(expiresAtMs(fixed, receivedAt)).toBe(receivedAt + DAY_MS);
    expect(isExpired(fixed, receivedAt, receivedAt)).toBe(false);
    expect(isExpired(fixed, receivedAt, receivedAt + DAY_MS - 1)).toBe(false);
    expect(isExpired(fixed, receivedAt, receivedAt + DAY_MS)).toBe(true);
    expect(isExpired(fixed, receivedAt, receivedAt + 2 * DAY_MS)).toBe(true);
  });

  it('counts the remaining seconds, rounded up, reaching 0 exactly at expiry', () => {
    const fixed = resolvePolicy({ preset: 'fixed' });
    expect(remainingAgeSeconds(fixed, receivedAt, receivedAt)).toBe(86400);
    expect(remainingAgeSeconds(fixed, receivedAt, receivedAt + 1500 * 1000)).toBe(84900);
    expect(remainingAgeSeconds(fixed, receivedAt, receivedAt + DAY_MS - 1)).toBe(1);
    expect(remainingAgeSeconds(fixed, receivedAt, receivedAt + DAY_MS)).toBe(0);
    expect(remainingAgeSeconds(fixed, receivedAt, receivedAt + 3 * DAY_MS)).toBe(0);
  });

  it('progressive and max-attempts have no limit unless one is set', () => {
    for (const preset of ['progressive', 'max-attempts'] as const) {
      const policy = resolvePolicy({ preset });
      expect(expiresAtMs(policy, receivedAt)).toBeNull();
      expect(isExpired(policy, receivedAt, receivedAt + 365 * DAY_MS)).toBe(false);
      expect(remainingAgeSeconds(policy, receivedAt, receivedAt + 365 * DAY_MS)).toBeNull();
    }
    const limited = resolvePolicy({ preset: 'progressive', maxAgeSeconds: 3600 });
    expect(isExpired(limited, receivedAt, receivedAt + 3599_999)).toBe(false);
    expect(isExpired(limited, receivedAt, receivedAt + 3600_000)).toBe(true);
  });

  it('fixed with maxAgeSeconds null never expires', () => {
    const unlimited = resolvePolicy({ preset: 'fixed', maxAgeSeconds: null });
    expect(isExpired(unlimited, receivedAt, receivedAt + 30 * DAY_MS)).toBe(false);
  });
});
