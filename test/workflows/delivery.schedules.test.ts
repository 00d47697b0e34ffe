// Every preset's schedule as the delivery workflow runs it, in simulated time: each interval
// between attempts (on the server's clock), the lane switch, and every end condition. Expected
// values are written out by hand, so a changed interval, count or end state fails. Intervals
// carry the retry jitter: each is checked against its exact value and the jitter's bounds.
import {
  DAY,
  DeliveryHarness,
  expectJitteredGaps,
  intervalsSeconds,
  offsetsSeconds,
  replies,
  searchStatus,
  SECOND,
  type RecordedAttempt,
  numbersOf,
} from './deliveryHarness';
import { MAX_ATTEMPTS_INTERVALS, PROGRESSIVE_PRIORITY_LANE } from '../support/expectedSchedules';

const TWELVE_HOURS = 43200;
const TWENTY_FOUR_HOURS = 86400;

let harness: DeliveryHarness;
beforeAll(async () => {
  harness = await DeliveryHarness.start();
});
afterAll(async () => {
  await harness?.stop();
});

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Each attempt starts when the previous failure's plan said, within the second. */
function expectAttemptsOnPlan(attempts: RecordedAttempt[]): void {
  attempts.slice(1).forEach((attempt, i) => {
    const planned = Date.parse(attempts[i].input.onFailure.nextAttemptAt ?? 'no plan');
    expect(attempt.atMs).toBeGreaterThanOrEqual(planned);
    expect(attempt.atMs).toBeLessThan(planned + SECOND);
  });
}

describe('fixed preset', () => {
  it('attempts every 300 s (up to 330 s with the jitter), six times, then fails', async () => {
    const delivery = await harness.start({ preset: 'fixed' }, replies(500));

    expect(await delivery.handle.result()).toEqual({ status: 'failed', lane: 'priority', attemptsMade: 6, nextAttemptAt: null });
    expect(offsetsSeconds(delivery)[0]).toBe(0);
    // Five draws of up to 30 s each: all of them below the slack would be a broken jitter.
    expect(expectJitteredGaps(delivery.attempts, [300, 300, 300, 300, 300])).toBeGreaterThan(0);
    expect(numbersOf(delivery.attempts)).toEqual([1, 2, 3, 4, 5, 6]);
    expectAttemptsOnPlan(delivery.attempts);
    expect(delivery.attempts.map((a) => a.input.onFailure.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'failed']);
    expect(delivery.attempts[5].input.onFailure).toEqual({ status: 'failed', lane: 'priority', nextAttemptAt: null });
    // The final status rode on the last attempt's own write.
    expect(delivery.statuses).toEqual([]);
    expect(await searchStatus(delivery)).toBe('failed');
  });

  it('succeeds on any 2xx', async () => {
    const delivery = await harness.start({ preset: 'fixed' }, replies(302, 299));

    expect(await delivery.handle.result()).toEqual({ status: 'succeeded', lane: 'priority', attemptsMade: 2, nextAttemptAt: null });
    expectJitteredGaps(delivery.attempts, [300]);
  });

  it('expires at maxAgeSeconds after the event, without attempting past it', async () => {
    const delivery = await harness.start({ preset: 'fixed', intervalSeconds: 600, maxAgeSeconds: 1000 }, replies(500));

    expect(await delivery.handle.result()).toEqual({ status: 'expired', lane: 'priority', attemptsMade: 2, nextAttemptAt: null });
    expectJitteredGaps(delivery.attempts, [600]);
    // The first failure plans an attempt at 600 to 660 s; the second would be at 1200 s or later,
    // past the age limit, so the record shows no next attempt while it waits to expire.
    expect(delivery.attempts[0].input.onFailure.nextAttemptAt).not.toBeNull();
    expect(delivery.attempts[1].input.onFailure).toEqual({ status: 'pending', lane: 'priority', nextAttemptAt: null });
    expect(delivery.statuses.map((s) => s.update)).toEqual([
      { deliveryId: delivery.input.deliveryId, status: 'expired', lane: 'priority', nextAttemptAt: null },
    ]);
    const expiredAfter = delivery.statuses[0].atMs - delivery.receivedAtMs;
    expect(expiredAfter).toBeGreaterThanOrEqual(1000 * SECOND);
    expect(expiredAfter).toBeLessThan(1001 * SECOND);
    expect(await searchStatus(delivery)).toBe('expired');
  });
});

describe('progressive preset', () => {
  it('makes 51 priority attempts, then retries every 12-24 h for 60 days across continue-as-new, until success', async () => {
    // The receiver comes back once the slow lane has lasted 60 simulated days.
    let slowLaneSince: number | undefined;
    const delivery = await harness.start(
      { preset: 'progressive' },
      (attempt, atMs) => {
        if (attempt.attemptNumber === 51) slowLaneSince = atMs;
        return slowLaneSince !== undefined && atMs - slowLaneSince >= 60 * DAY ? 200 : 503;
      },
      { historyEventLimit: 300 },
    );

    const view = await delivery.handle.result();
    const { attempts } = delivery;
    const made = attempts.length;
    expect(view).toEqual({ status: 'succeeded', lane: 'slow', attemptsMade: made, nextAttemptAt: null });

    // Numbered 1..N across all runs: no gap, no repeat.
    expect(numbersOf(attempts)).toEqual(oneTo(made));
    expectAttemptsOnPlan(attempts);

    const intervals = intervalsSeconds(attempts);
    // 50 jittered intervals up to the 480 s cap: most of them measurably longer than the exact one.
    expect(expectJitteredGaps(attempts.slice(0, 51), PROGRESSIVE_PRIORITY_LANE, 480)).toBeGreaterThan(20);

    // The lane switches with the 51st failure's plan.
    expect(attempts.slice(0, 51).map((a) => a.input.lane)).toEqual(Array(51).fill('priority'));
    expect(attempts.slice(0, 50).map((a) => a.input.onFailure.lane)).toEqual(Array(50).fill('priority'));
    expect(attempts[50].input.onFailure.lane).toBe('slow');
    expect(new Set(attempts.slice(51).map((a) => a.input.lane))).toEqual(new Set(['slow']));

    const slowIntervals = intervals.slice(50);
    expect(slowIntervals.length).toBeGreaterThanOrEqual(60); // at most one a day for 60 days
    for (const interval of slowIntervals) {
      expect(interval).toBeGreaterThanOrEqual(TWELVE_HOURS);
      expect(interval).toBeLessThanOrEqual(TWENTY_FOUR_HOURS);
    }
    expect(attempts[made - 1].atMs - attempts[50].atMs).toBeGreaterThanOrEqual(60 * DAY);

    // Continued-as-new several times, each run's history kept near the limit.
    const runIds = [...new Set(attempts.map((a) => a.runId))];
    expect(runIds.length).toBeGreaterThan(3);
    for (const runId of runIds) {
      const history = await harness.env.client.workflow.getHandle(delivery.input.deliveryId, runId).fetchHistory();
      expect(history.events?.length).toBeLessThanOrEqual(300 + 15);
    }
    // The Web UI's lane and status follow the delivery into the last run.
    expect((await delivery.handle.describe()).memo).toMatchObject({ lane: 'slow' });
    expect(await searchStatus(delivery)).toBe('succeeded');
  });

  it('succeeds only on 200, 201, 202 or 204', async () => {
    const delivery = await harness.start({ preset: 'progressive' }, replies(203, 206, 299, 201));

    expect(await delivery.handle.result()).toEqual({ status: 'succeeded', lane: 'priority', attemptsMade: 4, nextAttemptAt: null });
    expectJitteredGaps(delivery.attempts, [5, 5, 6], 480);
  });
});

describe('max-attempts preset', () => {
  it('retries 20 times, doubling from 30 s up to 6 h, and counts a 201 as a failure', async () => {
    const delivery = await harness.start({ preset: 'max-attempts' }, replies(201));

    expect(await delivery.handle.result()).toEqual({ status: 'failed', lane: 'priority', attemptsMade: 21, nextAttemptAt: null });
    expect(numbersOf(delivery.attempts)).toEqual(oneTo(21));
    // Jittered below the 6 h cap (ten intervals of 30 s to 4 h 16 min), exactly the cap after.
    expect(expectJitteredGaps(delivery.attempts, MAX_ATTEMPTS_INTERVALS, 21600)).toBeGreaterThan(5);
    expectAttemptsOnPlan(delivery.attempts);
    expect(delivery.attempts[20].input.onFailure).toEqual({ status: 'failed', lane: 'priority', nextAttemptAt: null });
    expect(await searchStatus(delivery)).toBe('failed');
  });

  it('succeeds on exactly 200', async () => {
    const delivery = await harness.start({ preset: 'max-attempts' }, replies(201, 204, 200));

    expect(await delivery.handle.result()).toEqual({ status: 'succeeded', lane: 'priority', attemptsMade: 3, nextAttemptAt: null });
    expectJitteredGaps(delivery.attempts, [30, 60], 21600);
  });
});
