// Everything that steers a delivery besides its schedule: the retryNow and cancel signals, the
// status query, a manual retry's single attempt, a receiver that vanished, an activity that broke,
// and the cost of the common case in history events.
import { cancelSignal, retryNowSignal, statusQuery } from '../../workflows/contracts/delivery';
import { DeliveryHarness, expectJitteredGaps, intervalsSeconds, offsetsSeconds, replies, searchStatus, SECOND, type Delivery } from './deliveryHarness';

let harness: DeliveryHarness;
beforeAll(async () => {
  harness = await DeliveryHarness.start();
});
afterAll(async () => {
  await harness?.stop();
});

const HOUR = 3600 * SECOND;
const ended = (status: string, attemptsMade: number, lane = 'priority') => ({ status, lane, attemptsMade, nextAttemptAt: null });
const recorded = (delivery: Delivery, status: string, lane = 'priority') => ({
  deliveryId: delivery.input.deliveryId,
  status,
  lane,
  nextAttemptAt: null,
});

/** Lets simulated time run `ms` into the wait that follows the first attempt. */
async function waitAfterFirstAttempt(delivery: Delivery, ms: number): Promise<void> {
  await harness.attemptsMade(delivery, 1);
  await harness.env.sleep(ms);
}

describe('signals and query during a wait', () => {
  it('retryNow attempts at once and keeps the rest of the schedule', async () => {
    const delivery = await harness.start({ preset: 'fixed' }, replies(500));
    await waitAfterFirstAttempt(delivery, 100 * SECOND);
    const signalledAtMs = await harness.env.currentTimeMs();
    await delivery.handle.signal(retryNowSignal);

    expect(await delivery.handle.result()).toEqual(ended('failed', 6));
    // The second attempt came 100 s in, not at 300 s or later; the five retries were all still made.
    expect(intervalsSeconds(delivery.attempts)[0]).toBe(100);
    expectJitteredGaps(delivery.attempts.slice(1), [300, 300, 300, 300]);
    expect(delivery.attempts[1].atMs - signalledAtMs).toBeLessThan(SECOND);
    expect(delivery.attempts.map((a) => a.input.attemptNumber)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('cancel ends the delivery as cancelled without another attempt', async () => {
    const delivery = await harness.start({ preset: 'fixed' }, replies(500));
    await waitAfterFirstAttempt(delivery, 60 * SECOND);
    await delivery.handle.signal(cancelSignal);

    expect(await delivery.handle.result()).toEqual(ended('cancelled', 1));
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.statuses.map((s) => s.update)).toEqual([recorded(delivery, 'cancelled')]);
    expect(Math.round((delivery.statuses[0].atMs - delivery.attempts[0].atMs) / SECOND)).toBe(60);
    expect(await searchStatus(delivery)).toBe('cancelled');
  });

  it('status reports the lane, the attempts made and the next attempt while waiting', async () => {
    // No priority retries: the first failure goes straight to the slow lane.
    const delivery = await harness.start({ preset: 'progressive', maxRetries: 0 }, replies(500));
    await waitAfterFirstAttempt(delivery, 2 * HOUR);

    const view = await delivery.handle.query(statusQuery);
    expect(view).toEqual({
      status: 'pending',
      lane: 'slow',
      attemptsMade: 1,
      nextAttemptAt: delivery.attempts[0].input.onFailure.nextAttemptAt,
    });
    const waitSeconds = Math.round((Date.parse(view.nextAttemptAt ?? '') - delivery.attempts[0].atMs) / SECOND);
    expect(waitSeconds).toBeGreaterThanOrEqual(43200);
    expect(waitSeconds).toBeLessThanOrEqual(86400);
    expect((await delivery.handle.describe()).memo).toMatchObject({ lane: 'slow' });

    await delivery.handle.signal(cancelSignal);
    expect(await delivery.handle.result()).toEqual(ended('cancelled', 1, 'slow'));
    expect(await delivery.handle.query(statusQuery)).toEqual(ended('cancelled', 1, 'slow'));
  });
});

describe('manual retry (single-attempt mode)', () => {
  const manualRetry = { mode: 'single-attempt', state: { attemptsMade: 6, lane: 'priority' } } as const;

  it.each([
    [500, 'failed'],
    [200, 'succeeded'],
  ])('makes exactly one attempt, numbered 7; a %i ends it %s', async (statusCode, status) => {
    const delivery = await harness.start({ preset: 'fixed' }, replies(statusCode), manualRetry);

    expect(await delivery.handle.result()).toEqual(ended(status, 7));
    expect(delivery.attempts.map((a) => a.input.attemptNumber)).toEqual([7]);
    expect(offsetsSeconds(delivery)).toEqual([0]);
    expect(delivery.attempts[0].input.onFailure).toEqual({ status: 'failed', lane: 'priority', nextAttemptAt: null });
    expect(delivery.statuses).toEqual([]);
  });

  it('makes no attempt once the event is past its maximum age', async () => {
    const receivedAt = new Date((await harness.env.currentTimeMs()) - 25 * HOUR).toISOString();
    const delivery = await harness.start({ preset: 'fixed' }, replies(200), { ...manualRetry, receivedAt });

    expect(await delivery.handle.result()).toEqual(ended('expired', 6));
    expect(delivery.attempts).toEqual([]);
    expect(delivery.statuses.map((s) => s.update)).toEqual([recorded(delivery, 'expired')]);
  });
});

describe('attempt outcomes', () => {
  it('cancels a delivery whose webhook or event is gone', async () => {
    const delivery = await harness.start({ preset: 'fixed' }, replies('webhook-missing'));

    expect(await delivery.handle.result()).toEqual(ended('cancelled', 1));
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.statuses.map((s) => s.update)).toEqual([recorded(delivery, 'cancelled')]);
  });

  it('counts a broken activity as one failed attempt, records its plan, and keeps the schedule', async () => {
    const delivery = await harness.start({ preset: 'fixed' }, replies('activity-throws', 500, 'activity-throws', 200));

    expect(await delivery.handle.result()).toEqual(ended('succeeded', 4));
    // Temporal did not retry the broken attempts: each number appears once, on schedule.
    expect(delivery.attempts.map((a) => a.input.attemptNumber)).toEqual([1, 2, 3, 4]);
    expectJitteredGaps(delivery.attempts, [300, 300, 300]);
    // The activity could not store the plan, so the workflow did.
    expect(delivery.statuses.map((s) => s.update)).toEqual(
      [delivery.attempts[0], delivery.attempts[2]].map((a) => ({ deliveryId: delivery.input.deliveryId, ...a.input.onFailure })),
    );
    expect(delivery.statuses.map((s) => s.update.status)).toEqual(['pending', 'pending']);
  });

  it('delivers on the first try in at most 12 history events', async () => {
    const delivery = await harness.start({ preset: 'fixed' }, replies(200));

    expect(await delivery.handle.result()).toEqual(ended('succeeded', 1));
    const history = await delivery.handle.fetchHistory();
    expect(history.events?.length).toBeLessThanOrEqual(12);
    expect(delivery.statuses).toEqual([]);
    expect(await searchStatus(delivery)).toBe('succeeded');
  });
});
