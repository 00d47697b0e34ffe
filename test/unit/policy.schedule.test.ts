// Every preset's schedule, interval by interval. Expected values are written out by hand (not
// recomputed with the production formula), so any change to an interval, a count or a lane fails.
// An rng that always draws 0 adds no jitter: the schedule is exactly the preset's; the jitter's
// own bounds are checked at the end, over many seeded draws.

import { nextStep, resolvePolicy, RETRY_JITTER, type NextStep, type ResolvedPolicy, type RetryPolicyInput } from '../../src/policy';
import { MAX_ATTEMPTS_INTERVALS, PROGRESSIVE_PRIORITY_LANE } from '../support/expectedSchedules';
import { seededRng } from '../support/seededRng';

/** An rng replaying fixed draws, for exact slow-lane expectations. */
function drawsOf(...values: number[]): () => number {
  return () => values.shift() ?? 0;
}

const noRandomness = (): number => {
  throw new Error('rng must not be read for a stop');
};

/** The lowest draw: no jitter at all. */
const noJitter = (): number => 0;

/** The steps after failed attempts 1..limit, stopping early at the first `stop`. */
function schedule(policy: ResolvedPolicy, limit: number, rng: () => number = noJitter): NextStep[] {
  const steps: NextStep[] = [];
  for (let attemptsMade = 1; attemptsMade <= limit; attemptsMade++) {
    const step = nextStep(policy, attemptsMade, rng);
    steps.push(step);
    if (step.kind === 'stop') break;
  }
  return steps;
}

const delays = (steps: NextStep[]): number[] => steps.flatMap((s) => (s.kind === 'retry' ? [s.delaySeconds] : []));
const lanes = (steps: NextStep[]): string[] => steps.map((s) => (s.kind === 'retry' ? s.lane : 'stop'));
const policy = (input: RetryPolicyInput): ResolvedPolicy => resolvePolicy(input);

describe('fixed preset', () => {
  const fixed = policy({ preset: 'fixed' });

  it('retries five times, every 300 s, then stops', () => {
    const steps = schedule(fixed, 100);
    expect(delays(steps)).toEqual([300, 300, 300, 300, 300]);
    expect(lanes(steps)).toEqual(['priority', 'priority', 'priority', 'priority', 'priority', 'stop']);
  });

  it('places attempts at 0, 300, 600, 900, 1200 and 1500 s after the event', () => {
    const attemptTimes = delays(schedule(fixed, 100)).reduce((times, d) => [...times, times[times.length - 1] + d], [0]);
    expect(attemptTimes).toEqual([0, 300, 600, 900, 1200, 1500]);
  });

  it('stays stopped for any later attempt count (e.g. after a manual retry)', () => {
    expect(nextStep(fixed, 6, noRandomness)).toEqual({ kind: 'stop' });
    expect(nextStep(fixed, 7, noRandomness)).toEqual({ kind: 'stop' });
  });

  it('follows intervalSeconds and maxRetries overrides', () => {
    expect(delays(schedule(policy({ preset: 'fixed', intervalSeconds: 1, maxRetries: 3 }), 100))).toEqual([1, 1, 1]);
    expect(delays(schedule(policy({ preset: 'fixed', intervalSeconds: 45 }), 100))).toEqual([45, 45, 45, 45, 45]);
  });

  it('makes a single attempt when maxRetries is 0', () => {
    expect(schedule(policy({ preset: 'fixed', maxRetries: 0 }), 100)).toEqual([{ kind: 'stop' }]);
  });
});

describe('progressive preset', () => {
  const progressive = policy({ preset: 'progressive' });

  it('spends exactly these 50 intervals in the priority lane', () => {
    const priority = schedule(progressive, 50);
    expect(delays(priority)).toEqual(PROGRESSIVE_PRIORITY_LANE);
    expect(lanes(priority)).toEqual(Array(50).fill('priority'));
  });

  it('rises from exactly 5 s to exactly 480 s, never decreasing, in whole seconds', () => {
    const intervals = delays(schedule(progressive, 50));
    expect(intervals).toHaveLength(50);
    expect(intervals[0]).toBe(5);
    expect(intervals[49]).toBe(480);
    intervals.forEach((interval, i) => {
      expect(Number.isInteger(interval)).toBe(true);
      if (i > 0) expect(interval).toBeGreaterThanOrEqual(intervals[i - 1]);
    });
  });

  it('switches to the slow lane exactly after the 50th retry', () => {
    const rng = seededRng(1);
    expect(nextStep(progressive, 50, rng)).toEqual({ kind: 'retry', delaySeconds: 480, lane: 'priority' });
    expect(nextStep(progressive, 51, rng)).toMatchObject({ kind: 'retry', lane: 'slow' });
  });

  it('draws slow-lane intervals uniformly from 12 h to 24 h, forever', () => {
    const steps = schedule(progressive, 1050, seededRng(42));
    expect(steps).toHaveLength(1050);
    const slow = steps.slice(50);
    expect(new Set(lanes(slow))).toEqual(new Set(['slow']));
    const intervals = delays(slow);
    for (const interval of intervals) {
      expect(Number.isInteger(interval)).toBe(true);
      expect(interval).toBeGreaterThanOrEqual(43200);
      expect(interval).toBeLessThanOrEqual(86400);
    }
    // 1000 seeded draws cover the range and are not all alike.
    expect(Math.min(...intervals)).toBeLessThan(43200 + 500);
    expect(Math.max(...intervals)).toBeGreaterThan(86400 - 500);
    expect(new Set(intervals).size).toBeGreaterThan(900);
  });

  it('maps the rng onto the slow lane bounds', () => {
    expect(nextStep(progressive, 51, () => 0)).toEqual({ kind: 'retry', delaySeconds: 43200, lane: 'slow' });
    expect(nextStep(progressive, 51, () => 0.5)).toEqual({ kind: 'retry', delaySeconds: 64800, lane: 'slow' });
    expect(nextStep(progressive, 51, () => 0.9999999999)).toEqual({ kind: 'retry', delaySeconds: 86400, lane: 'slow' });
    // An rng breaking its [0, 1) contract still cannot exceed the upper bound.
    expect(nextStep(progressive, 51, () => 1)).toEqual({ kind: 'retry', delaySeconds: 86400, lane: 'slow' });
  });

  it('never stops by count', () => {
    for (const attemptsMade of [51, 100, 1000, 100_000]) {
      expect(nextStep(progressive, attemptsMade, () => 0.25).kind).toBe('retry');
    }
  });

  it('stretches the same curve over overridden bounds and retry count', () => {
    const custom = policy({ preset: 'progressive', maxRetries: 5, initialIntervalSeconds: 10, maxIntervalSeconds: 160 });
    expect(delays(schedule(custom, 5))).toEqual([10, 20, 40, 80, 160]);
    expect(nextStep(custom, 6, () => 0)).toEqual({ kind: 'retry', delaySeconds: 43200, lane: 'slow' });
  });

  it('keeps a flat priority lane when both bounds are equal', () => {
    const flat = policy({ preset: 'progressive', maxRetries: 3, initialIntervalSeconds: 60, maxIntervalSeconds: 60 });
    expect(delays(schedule(flat, 3))).toEqual([60, 60, 60]);
  });

  it('handles a one-retry and a zero-retry priority lane', () => {
    const one = policy({ preset: 'progressive', maxRetries: 1 });
    expect(schedule(one, 2, () => 0)).toEqual([
      { kind: 'retry', delaySeconds: 5, lane: 'priority' },
      { kind: 'retry', delaySeconds: 43200, lane: 'slow' },
    ]);
    const none = policy({ preset: 'progressive', maxRetries: 0 });
    expect(nextStep(none, 1, () => 0)).toEqual({ kind: 'retry', delaySeconds: 43200, lane: 'slow' });
  });

  it('follows slow lane overrides', () => {
    const custom = policy({ preset: 'progressive', maxRetries: 0, slowLaneMinSeconds: 60, slowLaneMaxSeconds: 120 });
    expect(delays(schedule(custom, 4, drawsOf(0, 0.5, 0.99, 0.999999)))).toEqual([60, 90, 120, 120]);
    const fixedSlowLane = policy({ preset: 'progressive', slowLaneMinSeconds: 3600, slowLaneMaxSeconds: 3600 });
    expect(nextStep(fixedSlowLane, 51, () => 0.7)).toEqual({ kind: 'retry', delaySeconds: 3600, lane: 'slow' });
  });
});

describe('max-attempts preset', () => {
  const maxAttempts = policy({ preset: 'max-attempts' });

  it('doubles from 30 s, caps at 6 h, and stops after the 20th retry', () => {
    const steps = schedule(maxAttempts, 100);
    expect(delays(steps)).toEqual(MAX_ATTEMPTS_INTERVALS);
    expect(lanes(steps)).toEqual([...Array(20).fill('priority'), 'stop']);
  });

  it('follows overrides', () => {
    const custom = policy({ preset: 'max-attempts', maxRetries: 6, initialIntervalSeconds: 1, maxIntervalSeconds: 5 });
    expect(delays(schedule(custom, 100))).toEqual([1, 2, 4, 5, 5, 5]);
    expect(schedule(policy({ preset: 'max-attempts', maxRetries: 0 }), 100)).toEqual([{ kind: 'stop' }]);
  });

  it('stays at the cap for a very long retry count', () => {
    const long = policy({ preset: 'max-attempts', maxRetries: 1000 });
    expect(nextStep(long, 1000, noJitter)).toEqual({ kind: 'retry', delaySeconds: 21600, lane: 'priority' });
    expect(nextStep(long, 1001, noRandomness)).toEqual({ kind: 'stop' });
  });
});

describe('jitter', () => {
  /** Every retry's delay over `draws` schedules of `limit` failed attempts each, with the retry's number. */
  function jitteredRuns(p: ResolvedPolicy, limit: number, draws: number, seed: number): Array<{ retry: number; delay: number }> {
    const rng = seededRng(seed);
    return Array.from({ length: draws }, () =>
      schedule(p, limit, rng).flatMap((step, i) => (step.kind === 'retry' ? [{ retry: i + 1, delay: step.delaySeconds }] : [])),
    ).flat();
  }

  it('is 10 % of the interval', () => {
    expect(RETRY_JITTER).toBe(0.1);
  });

  it('lengthens every fixed interval by up to 10 %, never shortens it, and spreads the retries over that range', () => {
    const delays = jitteredRuns(policy({ preset: 'fixed' }), 100, 200, 7).map((run) => run.delay);
    expect(delays).toHaveLength(1000);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(300);
      expect(delay).toBeLessThanOrEqual(330);
      // To the millisecond, no finer.
      expect(Number.isInteger(Math.round(delay * 1000 * 1000) / 1000)).toBe(true);
    }
    expect(delays.filter((delay) => delay === 300).length).toBeLessThan(10);
    expect(Math.min(...delays)).toBeLessThan(301);
    expect(Math.max(...delays)).toBeGreaterThan(329);
    expect(new Set(delays).size).toBeGreaterThan(900);
  });

  it('keeps the progressive priority lane within [interval, interval + 10 %], capped at maxIntervalSeconds', () => {
    const runs = jitteredRuns(policy({ preset: 'progressive' }), 50, 100, 11);
    expect(runs).toHaveLength(5000);
    for (const { retry, delay } of runs) {
      const base = PROGRESSIVE_PRIORITY_LANE[retry - 1];
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThanOrEqual(Math.min(base * 1.1, 480));
    }
    // 437 s + 10 % would pass the 480 s cap: a draw that would is cut to it.
    const progressive = policy({ preset: 'progressive' });
    expect(nextStep(progressive, 49, () => 0.5)).toEqual({ kind: 'retry', delaySeconds: 458.85, lane: 'priority' });
    expect(nextStep(progressive, 49, () => 0.999)).toEqual({ kind: 'retry', delaySeconds: 480, lane: 'priority' });
    expect(nextStep(progressive, 50, () => 0.999)).toEqual({ kind: 'retry', delaySeconds: 480, lane: 'priority' });
    expect(runs.filter((run) => run.delay !== PROGRESSIVE_PRIORITY_LANE[run.retry - 1]).length).toBeGreaterThan(4500);
  });

  it('keeps max-attempts within [interval, interval + 10 %] below its cap, and exactly at the cap once reached', () => {
    const runs = jitteredRuns(policy({ preset: 'max-attempts' }), 100, 100, 13);
    expect(runs).toHaveLength(2000);
    for (const { retry, delay } of runs) {
      const base = MAX_ATTEMPTS_INTERVALS[retry - 1];
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThanOrEqual(Math.min(base * 1.1, 21600));
      if (base === 21600) expect(delay).toBe(21600);
    }
    const belowCap = runs.filter((run) => MAX_ATTEMPTS_INTERVALS[run.retry - 1] < 21600);
    expect(belowCap.filter((run) => run.delay !== MAX_ATTEMPTS_INTERVALS[run.retry - 1]).length).toBeGreaterThan(belowCap.length * 0.95);
  });

  it('maps the draw onto the range: 0 adds nothing, 0.5 adds 5 %, the top adds 10 %, within the cap', () => {
    const fixed = policy({ preset: 'fixed' });
    expect(nextStep(fixed, 1, () => 0.5)).toEqual({ kind: 'retry', delaySeconds: 315, lane: 'priority' });
    expect(nextStep(fixed, 1, () => 0.9999999999)).toEqual({ kind: 'retry', delaySeconds: 329.999, lane: 'priority' });
    const short = policy({ preset: 'max-attempts', maxRetries: 6, initialIntervalSeconds: 1, maxIntervalSeconds: 5 });
    expect(delays(schedule(short, 100, () => 0.5))).toEqual([1.05, 2.1, 4.2, 5, 5, 5]);
    // An rng breaking its [0, 1) contract neither shortens a wait nor stretches it past 10 %.
    expect(nextStep(fixed, 1, () => -1)).toEqual({ kind: 'retry', delaySeconds: 300, lane: 'priority' });
    expect(nextStep(fixed, 1, () => 7)).toEqual({ kind: 'retry', delaySeconds: 330, lane: 'priority' });
  });

  it('reads the rng once per retry, and never for a stop', () => {
    let reads = 0;
    const counting = () => {
      reads++;
      return 0.25;
    };
    expect(schedule(policy({ preset: 'fixed' }), 100, counting)).toHaveLength(6);
    expect(reads).toBe(5);
    reads = 0;
    expect(schedule(policy({ preset: 'progressive', maxRetries: 2 }), 4, counting)).toHaveLength(4);
    expect(reads).toBe(4);
  });
});

describe('nextStep input', () => {
  it.each([0, -1, 1.5, Number.NaN])('refuses attemptsMade = %p', (attemptsMade) => {
    expect(() => nextStep(resolvePolicy(undefined), attemptsMade, noRandomness)).toThrow(RangeError);
  });
});
