// The per-webhook cap of attempts in flight in one worker: the counter itself, and the attempt
// activity refusing an attempt over the cap at once, without touching the store or the receiver.
import { createActivities } from '../../activities';
import { createInFlightLimit } from '../../activities/inFlight';
import type { Store } from '../../src/store';
import type { AttemptInput, AttemptOutcome } from '../../workflows/deliveryTypes';

describe('createInFlightLimit', () => {
  it('gives out `cap` places per key, and refuses more until one is released', () => {
    const limit = createInFlightLimit(2);
    const first = limit.tryAcquire('wh1');
    const second = limit.tryAcquire('wh1');
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(limit.tryAcquire('wh1')).toBeUndefined();
    expect(limit.count('wh1')).toBe(2);

    first!();
    expect(limit.count('wh1')).toBe(1);
    const third = limit.tryAcquire('wh1');
    expect(third).toBeDefined();
    expect(limit.tryAcquire('wh1')).toBeUndefined();
  });

  it('counts each key on its own', () => {
    const limit = createInFlightLimit(1);
    expect(limit.tryAcquire('busy')).toBeDefined();
    expect(limit.tryAcquire('busy')).toBeUndefined();
    expect(limit.tryAcquire('healthy')).toBeDefined();
    expect(limit.count('busy')).toBe(1);
    expect(limit.count('healthy')).toBe(1);
    expect(limit.count('unknown')).toBe(0);
  });

  it('releases a place once, however often its release is called', () => {
    const limit = createInFlightLimit(2);
    const release = limit.tryAcquire('wh1')!;
    limit.tryAcquire('wh1');
    release();
    release();
    release();
    expect(limit.count('wh1')).toBe(1);
    expect(limit.tryAcquire('wh1')).toBeDefined();
    expect(limit.tryAcquire('wh1')).toBeUndefined();
  });

  it('has no limit with an infinite cap', () => {
    const limit = createInFlightLimit(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 1000; i++) expect(limit.tryAcquire('wh1')).toBeDefined();
    expect(limit.count('wh1')).toBe(1000);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a cap of %p', (cap) => {
    expect(() => createInFlightLimit(cap)).toThrow(RangeError);
  });
});

describe('deliverAttempt at the cap', () => {
  /** A store whose webhook lookups wait until the test lets them go; every other call is recorded. */
  function blockingStore() {
    const calls: string[] = [];
    const waiting: Array<{ resolve: (value: null) => void; reject: (error: Error) => void }> = [];
    const record = (name: string) => async () => {
      calls.push(name);
      return null;
    };
    const store = {
      webhooks: {
        target: (_ws: string, webhookId: string) => {
          calls.push(`webhooks.target ${webhookId}`);
          return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
        },
        recordFailure: record('webhooks.recordFailure'),
        resetStreak: record('webhooks.resetStreak'),
      },
      events: { get: record('events.get') },
      workspaces: { get: record('workspaces.get') },
      deliveries: { recordAttempt: record('deliveries.recordAttempt'), setProgress: record('deliveries.setProgress') },
    };
    return { store: store as unknown as Store, calls, waiting };
  }

  const attempt = (webhookId: string, n = 1): AttemptInput => ({
    deliveryId: `delivery/ws1/evt_${n}/${webhookId}`,
    workspaceId: 'ws1',
    webhookId,
    eventId: `evt_${n}`,
    attemptNumber: 1,
    timeoutMs: 1000,
    lane: 'priority',
    onFailure: { status: 'pending', lane: 'priority', nextAttemptAt: null },
  });

  it('defers the attempt over the cap at once, with no store call, and frees the place when an attempt ends', async () => {
    const { store, calls, waiting } = blockingStore();
    const activities = createActivities({ store, allowPrivateNetworks: true, maxInFlightPerWebhook: 2 });
    const deliverAttempt = (input: AttemptInput) => activities.deliverAttempt(input);

    const running = [deliverAttempt(attempt('dead', 1)), deliverAttempt(attempt('dead', 2))];
    expect(await deliverAttempt(attempt('dead', 3))).toEqual({ outcome: 'deferred' });
    expect(calls.filter((call) => call.includes('dead'))).toEqual(['webhooks.target dead', 'webhooks.target dead']);
    // Another webhook is not held up by the busy one.
    const healthy = deliverAttempt(attempt('healthy', 4));
    expect(calls).toContain('webhooks.target healthy');

    // One attempt ends (here: its webhook was deleted), one breaks: both places are free again.
    waiting[0].resolve(null);
    waiting[1].reject(new Error('store unavailable'));
    waiting[2].resolve(null);
    const outcomes: Array<PromiseSettledResult<AttemptOutcome>> = await Promise.allSettled([...running, healthy]);
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.outcome : 'threw'))).toEqual([
      'webhook-missing',
      'threw',
      'webhook-missing',
    ]);

    const again = [deliverAttempt(attempt('dead', 5)), deliverAttempt(attempt('dead', 6))];
    expect(await deliverAttempt(attempt('dead', 7))).toEqual({ outcome: 'deferred' });
    expect(calls.filter((call) => call === 'webhooks.target dead')).toHaveLength(4);
    waiting.slice(3).forEach((lookup) => lookup.resolve(null));
    await Promise.all(again);
    // Nothing was ever recorded for a deferred attempt, nor counted against the webhook's health.
    expect(calls.filter((call) => !call.startsWith('webhooks.target') && !call.startsWith('events.get') && !call.startsWith('workspaces.get'))).toEqual([]);
  });

  it('has no cap when the worker sets none', async () => {
    const { store, waiting } = blockingStore();
    const activities = createActivities({ store, allowPrivateNetworks: true });
    const deliverAttempt = (input: AttemptInput) => activities.deliverAttempt(input);
    const running = Array.from({ length: 50 }, (_, i) => deliverAttempt(attempt('wh1', i)));
    expect(waiting).toHaveLength(50);
    waiting.forEach((lookup) => lookup.resolve(null));
    expect((await Promise.all(running)).map((outcome) => outcome.outcome)).toEqual(Array(50).fill('webhook-missing'));
  });
});
