// The wait after an attempt the worker deferred (its webhook at the in-flight cap): short,
// doubling while the webhook stays busy, capped, and jittered.
import {
  DEFERRAL_BOOKING_MAX_SECONDS,
  DEFERRAL_FIRST_SECONDS,
  DEFERRAL_JITTER,
  DEFERRAL_MAX_SECONDS,
  deferralDelaySeconds,
  deferralLatestSeconds,
} from '../../src/policy';
import { seededRng } from '../support/seededRng';

const noJitter = (): number => 0;

describe('deferralDelaySeconds', () => {
  it('starts at 1 s and doubles up to 2 minutes', () => {
    expect([DEFERRAL_FIRST_SECONDS, DEFERRAL_MAX_SECONDS, DEFERRAL_JITTER]).toEqual([1, 120, 0.5]);
    const waits = Array.from({ length: 12 }, (_, i) => deferralDelaySeconds(i + 1, noJitter));
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 120, 120, 120, 120, 120]);
    expect(deferralDelaySeconds(1_000_000, noJitter)).toBe(120);
  });

  it('adds up to half of the wait, to the millisecond, so the longest is 3 minutes', () => {
    expect(deferralDelaySeconds(1, () => 0.5)).toBe(1.25);
    expect(deferralDelaySeconds(3, () => 0.999)).toBe(5.998);
    expect(deferralDelaySeconds(50, () => 0.9999999)).toBe(179.999);
    const rng = seededRng(3);
    for (let deferrals = 1; deferrals <= 20; deferrals++) {
      const base = Math.min(2 ** (deferrals - 1), 120);
      const waits = Array.from({ length: 200 }, () => deferralDelaySeconds(deferrals, rng));
      for (const wait of waits) {
        expect(wait).toBeGreaterThanOrEqual(base);
        expect(wait).toBeLessThanOrEqual(base * 1.5);
      }
      // Spread: deliveries deferred together do not come back together.
      expect(new Set(waits).size).toBeGreaterThan(150);
    }
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses deferrals = %p', (deferrals) => {
    expect(() => deferralDelaySeconds(deferrals, noJitter)).toThrow(RangeError);
  });

  it("waits for the worker's booking when it is later than the growing wait, up to 15 minutes", () => {
    expect(deferralDelaySeconds(1, noJitter, 30)).toBe(30);
    expect(deferralDelaySeconds(1, noJitter, 0.2)).toBe(DEFERRAL_FIRST_SECONDS);
    expect(deferralDelaySeconds(5, noJitter, 3)).toBe(16);
    expect(deferralDelaySeconds(1, noJitter, 10_000)).toBe(DEFERRAL_BOOKING_MAX_SECONDS);
    expect(deferralDelaySeconds(1, noJitter, Number.NaN)).toBe(DEFERRAL_FIRST_SECONDS);
    // The booking is lengthened by at most 10 %.
    const draws = [0, 0.999];
    expect(deferralDelaySeconds(1, () => draws.shift()!, 100)).toBeCloseTo(109.99, 2);
  });

  it.each([0, -1, 1.5])('deferralLatestSeconds refuses deferrals = %p', (deferrals) => {
    expect(() => deferralLatestSeconds(deferrals)).toThrow(RangeError);
  });
});

describe('deferralLatestSeconds', () => {
  it('is the longest wait any jitter gives, for the growing wait and for a booking', () => {
    expect(deferralLatestSeconds(1)).toBe(1.5);
    expect(deferralLatestSeconds(8)).toBe(180);
    expect(deferralLatestSeconds(1, 100)).toBeCloseTo(110, 6);
    expect(deferralLatestSeconds(1, 10_000)).toBeCloseTo(DEFERRAL_BOOKING_MAX_SECONDS * 1.1, 6);
    expect(deferralLatestSeconds(3, Number.NaN)).toBe(6);
  });

  it('is never earlier than the wait a deferral draws', () => {
    const rng = seededRng(11);
    for (let deferrals = 1; deferrals <= 12; deferrals++) {
      for (const booked of [0, 0.4, 3, 45, 700, 2_000]) {
        const latest = deferralLatestSeconds(deferrals, booked);
        let longest = 0;
        for (let i = 0; i < 100; i++) longest = Math.max(longest, deferralDelaySeconds(deferrals, rng, booked));
        expect(longest).toBeLessThanOrEqual(latest);
        // Tight: the longest of 100 draws comes within 5 % of it.
        expect(longest).toBeGreaterThan(latest * 0.95);
      }
    }
  });
});
