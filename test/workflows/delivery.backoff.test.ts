// Waits that the schedule alone does not decide: a receiver's Retry-After on 429 or 503, honoured
// within the preset's bound and the deadline; and an attempt the worker deferred because its
// webhook was at the in-flight cap, tried again after a growing, jittered wait without counting
// it. Both in the delivery workflow and for a first attempt in the event workflow.
import { cancelSignal, retryNowSignal, statusQuery } from '../../workflows/contracts/delivery';
import { calls, DeliveryHarness, gapsMs, PROCESSING_SLACK_MS, replies, SECOND, type Delivery, numbersOf } from './deliveryHarness';

let harness: DeliveryHarness;
beforeAll(async () => {
  harness = await DeliveryHarness.start();
});
afterAll(async () => {
  await harness?.stop();
});

/** `ms` lies in [lowSeconds, highSeconds], give or take the test server's processing time. */
function expectWithin(ms: number, lowSeconds: number, highSeconds: number): void {
  expect(ms).toBeGreaterThanOrEqual(lowSeconds * SECOND - PROCESSING_SLACK_MS);
  expect(ms).toBeLessThanOrEqual(highSeconds * SECOND + PROCESSING_SLACK_MS);
}

/** The waits after the 1st, 2nd, ... consecutive deferral: 1 s doubling to 120 s, each up to 50 % longer. */
function expectDeferralWaits(gaps: number[], firstDeferral = 1): void {
  gaps.forEach((gap, i) => {
    const base = Math.min(2 ** (firstDeferral + i - 1), 120);
    expectWithin(gap, base, base * 1.5);
  });
}

describe('Retry-After', () => {
  const TOO_MANY = (retryAfterSeconds: number) => ({ status: 429, retryAfterSeconds });

  /** The record's corrections after the attempts stored their plans. */
  const corrections = (delivery: Delivery) => delivery.statuses.map((s) => s.update);

  it('waits as long as a 429 asks when that is longer than the schedule, and corrects the recorded next attempt', async () => {
    const delivery = await harness.start({ preset: 'fixed' }, replies(TOO_MANY(900), 200));

    expect(await delivery.handle.result()).toMatchObject({ status: 'succeeded', attemptsMade: 2 });
    const [first, second] = delivery.attempts;
    expectWithin(second.atMs - first.atMs, 900, 900);
    // The attempt stored the schedule's plan (300 to 330 s); the workflow then stored the receiver's time.
    const planned = Date.parse(first.input.onFailure.nextAttemptAt!) - first.atMs;
    expectWithin(planned, 300, 330);
    expect(corrections(delivery)).toEqual([{ deliveryId: delivery.input.deliveryId, status: 'pending', lane: 'priority', nextAttemptAt: expect.any(String) }]);
    expect(Math.abs(Date.parse(corrections(delivery)[0].nextAttemptAt!) - second.atMs)).toBeLessThan(SECOND);
  });

  it("waits no longer than the preset's bound (fixed: four intervals), however long a 503 asks", async () => {
    const delivery = await harness.start({ preset: 'fixed' }, replies({ status: 503, retryAfterSeconds: 86400 }, 200));

    expect(await delivery.handle.result()).toMatchObject({ status: 'succeeded', attemptsMade: 2 });
    expectWithin(gapsMs(delivery.attempts)[0], 1200, 1200);
  });

  it('keeps the schedule, and writes nothing more, when the receiver asks for less', async () => {
    const delivery = await harness.start({ preset: 'max-attempts' }, replies(TOO_MANY(5), TOO_MANY(0), 200));

    expect(await delivery.handle.result()).toMatchObject({ status: 'succeeded', attemptsMade: 3 });
    const [first, second] = gapsMs(delivery.attempts);
    expectWithin(first, 30, 33);
    expectWithin(second, 60, 66);
    expect(corrections(delivery)).toEqual([]);
  });

  it("never waits past the delivery's deadline: it expires there, showing no next attempt", async () => {
    // Every 200 s, so the schedule would attempt again at 200 to 220 s, and the bound is 800 s.
    const delivery = await harness.start({ preset: 'fixed', intervalSeconds: 200, maxAgeSeconds: 600 }, replies(TOO_MANY(3600)));

    expect(await delivery.handle.result()).toEqual({ status: 'expired', lane: 'priority', attemptsMade: 1, nextAttemptAt: null });
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0].input.onFailure.nextAttemptAt).not.toBeNull();
    expect(corrections(delivery)).toEqual([
      { deliveryId: delivery.input.deliveryId, status: 'pending', lane: 'priority', nextAttemptAt: null },
      { deliveryId: delivery.input.deliveryId, status: 'expired', lane: 'priority', nextAttemptAt: null },
    ]);
    expectWithin(delivery.statuses[1].atMs - delivery.receivedAtMs, 600, 600);
  });
});

describe('an attempt deferred at the in-flight cap', () => {
  it('is tried again after 1, 2, 4 s (jittered), not counted, and the waits start over after an attempt', async () => {
    const delivery = await harness.start({ preset: 'fixed', intervalSeconds: 10 }, calls('deferred', 'deferred', 'deferred', 500, 'deferred', 200));

    expect(await delivery.handle.result()).toEqual({ status: 'succeeded', lane: 'priority', attemptsMade: 2, nextAttemptAt: null });
    expect(numbersOf(delivery.attempts)).toEqual([1, 1, 1, 1, 2, 2]);
    // The activity hears how often the attempt was deferred, to record how long the next wait may be.
    expect(delivery.attempts.map((a) => a.input.deferrals ?? 0)).toEqual([0, 1, 2, 3, 0, 1]);
    const gaps = gapsMs(delivery.attempts);
    expectDeferralWaits(gaps.slice(0, 3));
    expectWithin(gaps[3], 10, 11);
    expectDeferralWaits(gaps.slice(4));
    // The workflow writes no status for a deferral (the attempt activity moves the next attempt's time itself).
    expect(delivery.statuses).toEqual([]);
  });

  it('keeps growing its waits across continue-as-new, up to 2 minutes (3 with the jitter)', async () => {
    const deferrals = 12;
    const delivery = await harness.start({ preset: 'fixed' }, calls(...Array<'deferred'>(deferrals).fill('deferred'), 200), { historyEventLimit: 40 });

    expect(await delivery.handle.result()).toEqual({ status: 'succeeded', lane: 'priority', attemptsMade: 1, nextAttemptAt: null });
    expect(numbersOf(delivery.attempts)).toEqual(Array(deferrals + 1).fill(1));
    // The count goes on across the new runs.
    expect(delivery.attempts.map((a) => a.input.deferrals ?? 0)).toEqual(Array.from({ length: deferrals + 1 }, (_, i) => i));
    expectDeferralWaits(gapsMs(delivery.attempts));
    expect(new Set(delivery.attempts.map((a) => a.runId)).size).toBeGreaterThan(1);
  });

  it('answers cancel and retryNow while it waits, and reports the wait in the status', async () => {
    const delivery = await harness.start({ preset: 'fixed' }, calls('deferred'));
    await harness.attemptsMade(delivery, 1);
    // Tries at about 0, 1, 3 and 7 s, each deferred again.
    await harness.env.sleep(10 * SECOND);
    const tries = delivery.attempts.length;
    expect(tries).toBeGreaterThanOrEqual(3);
    const view = await delivery.handle.query(statusQuery);
    expect(view).toMatchObject({ status: 'pending', attemptsMade: 0 });
    expect(view.nextAttemptAt).not.toBeNull();

    await delivery.handle.signal(retryNowSignal);
    await harness.attemptsMade(delivery, tries + 1);
    await delivery.handle.signal(cancelSignal);
    expect(await delivery.handle.result()).toEqual({ status: 'cancelled', lane: 'priority', attemptsMade: 0, nextAttemptAt: null });
    expect(delivery.statuses.map((s) => s.update.status)).toEqual(['cancelled']);
  });

  it("ends at the delivery's deadline as expired, with no attempt made", async () => {
    const delivery = await harness.start({ preset: 'fixed', maxAgeSeconds: 600 }, calls('deferred'));

    expect(await delivery.handle.result()).toEqual({ status: 'expired', lane: 'priority', attemptsMade: 0, nextAttemptAt: null });
    expectWithin(delivery.statuses[0].atMs - delivery.receivedAtMs, 600, 600);
    // 1 s doubling to 2 min fills 600 s with about a dozen tries, every one deferred.
    expect(delivery.attempts.length).toBeGreaterThan(5);
  });
});

// Last: after an event workflow (local activities) the time-skipping test server stops skipping
// time for workflows started later (a test-server quirk, see test/workflows/history/record.ts); the
// event's own delivery workflow still gets its time skipped.
describe('first attempts in the event workflow', () => {
  it('moves the next attempt when a first attempt answers 429 with a Retry-After', async () => {
    const event = await harness.startEvent([{ policy: { preset: 'fixed' }, script: replies({ status: 429, retryAfterSeconds: 900 }, 200) }]);
    const [delivery] = event.deliveries;

    expect(await event.handle.result()).toEqual({ deliveries: [{ deliveryId: delivery.deliveryId, result: 'retrying' }] });
    expect(await harness.deliveryHandle(delivery.deliveryId).result()).toMatchObject({ status: 'succeeded', attemptsMade: 2 });
    expectWithin(delivery.attempts[1].atMs - event.receivedAtMs, 900, 900);
    expect(delivery.statuses.map((s) => s.update.status)).toEqual(['pending']);
    expect(Math.abs(Date.parse(delivery.statuses[0].update.nextAttemptAt!) - delivery.attempts[1].atMs)).toBeLessThan(SECOND);
  });

  it('hands a deferred first attempt to a delivery workflow, uncounted, while the event delivers the rest', async () => {
    const event = await harness.startEvent([
      { policy: { preset: 'fixed' }, script: calls('deferred', 'deferred', 200) },
      { policy: { preset: 'fixed' }, script: replies(200) },
    ]);
    const [busy, healthy] = event.deliveries;

    expect(await event.handle.result()).toEqual({
      deliveries: [
        { deliveryId: busy.deliveryId, result: 'retrying' },
        { deliveryId: healthy.deliveryId, result: 'succeeded' },
      ],
    });
    expect(await harness.deliveryHandle(busy.deliveryId).result()).toEqual({ status: 'succeeded', lane: 'priority', attemptsMade: 1, nextAttemptAt: null });
    expect(numbersOf(busy.attempts)).toEqual([1, 1, 1]);
    expect(busy.attempts.map((a) => a.local)).toEqual([true, false, false]);
    // The first wait (1 s) was the event workflow's deferral; the delivery workflow goes on from there (2 s).
    expectWithin(busy.attempts[1].atMs - event.receivedAtMs, 1, 1.5);
    expectDeferralWaits(gapsMs(busy.attempts.slice(1)), 2);
    expect(busy.statuses).toEqual([]);
  });
});
