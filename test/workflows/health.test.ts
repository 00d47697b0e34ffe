// The endpoint-health workflow: the single owner of a webhook's active state. Switching off (by
// signal or update) records, mirrors and notifies once; switching on discards or replays the buffer
// in its original order, as many at once as asked, handing a replayed delivery that needs a retry
// to a delivery workflow of its own; a long life continues as new with its state.
import { temporal } from '@temporalio/proto';
import { DEFAULT_BUFFER_SECONDS } from '../../src/policy/endpointHealth';
import { eventWorkflowId } from '../../src/core/ids';
import type { deliveryWorkflow, eventWorkflow } from '../../workflows';
import { REPLAY_PAGE_SIZE } from '../../workflows/endpointHealth/endpointHealth';
import { eventually, eventuallyValue } from '../support/eventually';
import { HealthHarness, maxInFlight, WAIT, type FakeWebhook, type RecordedAttempt } from './healthHarness';

const { WorkflowExecutionStatus } = temporal.api.enums.v1;
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

// A time-skipping server of its own for every test: once a test has run an event workflow (local
// activities), the test server may stop skipping time for workflows started later. A fresh server
// costs about a second. No test here needs more than a few seconds, hence the 60 s limit.
jest.setTimeout(60_000);

let harness: HealthHarness;
beforeEach(async () => {
  harness = await HealthHarness.start();
});
afterEach(async () => {
  await harness?.stop();
});

const iso = (ms: number) => new Date(ms).toISOString();
const ids = (attempts: RecordedAttempt[]) => attempts.map((attempt) => attempt.input.deliveryId);
const ownAttempts = (webhook: FakeWebhook) => webhook.attempts.filter((attempt) => webhook.deliveries.has(attempt.input.deliveryId));
const notifications = (webhook: FakeWebhook) => webhook.callsOf('recordNotification').map((call) => [call.request.type, call.request.reason]);

/** Activates with a replay and waits until it has ended, collecting the `done` counts the health query showed meanwhile. */
async function replayAll(webhook: FakeWebhook, replayConcurrency: number) {
  const answer = await harness.activate(webhook, { replayEvents: true, replayConcurrency });
  const shown: number[] = [];
  await harness.replayEnded(webhook, (replay) => {
    if (shown.at(-1) !== replay.done) shown.push(replay.done);
  });
  return { answer, shown };
}

describe('endpoint health workflow', () => {
  it('deactivates on a failing signal: state, record and one notification, and never twice', async () => {
    const webhook = await harness.webhook({ notificationUrl: true });
    const reason = '10 consecutive failed attempts over 31 minutes';
    const before = await harness.env.currentTimeMs();
    await harness.failing(webhook, reason);

    const [marked] = await eventuallyValue(
      () => webhook.callsOf('markDeactivated'),
      (calls) => calls.length === 1,
      {
        ...WAIT,
        what: 'markDeactivated',
      },
    );
    const after = await harness.env.currentTimeMs();
    const { atMs } = marked.request;
    expect(marked.request).toEqual({ workspaceId: 'ws1', webhookId: webhook.webhookId, atMs, reason });
    expect(atMs).toBeGreaterThanOrEqual(before);
    expect(atMs).toBeLessThanOrEqual(after);
    expect(await harness.health(webhook)).toEqual({ active: false, deactivatedAt: iso(atMs), reason, replay: null });

    // The notification is stored, then delivered to the workspace's URL by an event workflow of its own.
    const [notified] = await eventuallyValue(
      () => webhook.callsOf('recordNotification'),
      (calls) => calls.length === 1,
      {
        ...WAIT,
        what: 'the notification',
      },
    );
    expect(notified.request).toMatchObject({ type: 'webhook.deactivated', reason, atMs });
    const [notificationDelivery] = webhook.notificationDeliveries.values();
    await eventually(() => harness.idle(webhook), { ...WAIT, what: 'the notification delivery to start' });
    const event = harness.env.client.workflow.getHandle<typeof eventWorkflow>(eventWorkflowId('ws1', notified.request.notificationId));
    expect(await event.result()).toEqual({ deliveries: [{ deliveryId: notificationDelivery.deliveryId, result: 'succeeded' }] });
    expect(notificationDelivery.eventId).toBe(notified.request.notificationId);
    expect(webhook.attemptsOf(notificationDelivery.deliveryId).map((a) => [a.input.webhookId, a.workflowId])).toEqual([
      [webhook.notificationEndpointId, event.workflowId],
    ]);

    // Already inactive: a second signal and a manual deactivation change nothing and notify nobody.
    await harness.failing(webhook, 'the endpoint answered 410 Gone');
    expect(await harness.deactivate(webhook, 'paused by hand')).toEqual({ active: false, deactivatedAt: iso(atMs), reason, replay: null });
    await eventually(() => harness.idle(webhook), { ...WAIT, what: 'the workflow to be idle' });
    expect(webhook.callsOf('markDeactivated')).toHaveLength(1);
    expect(notifications(webhook)).toEqual([['webhook.deactivated', reason]]);
    expect(webhook.record).toMatchObject({ active: false, reason, deactivatedAtMs: atMs });
  });

  it('answers updates with the state after the change; activating without replay discards the whole buffer', async () => {
    // Started by its first update, as for a webhook created before its workflow existed.
    const webhook = await harness.webhook({}, false);
    const deactivated = await harness.deactivate(webhook, 'paused by hand');
    const atMs = webhook.callsOf('markDeactivated')[0].request.atMs;
    expect(deactivated).toEqual({ active: false, deactivatedAt: iso(atMs), reason: 'paused by hand', replay: null });

    const buffered = await harness.buffer(webhook, 2 * REPLAY_PAGE_SIZE + 30);
    const activated = await harness.activate(webhook, { replayEvents: false });
    expect(activated).toEqual({ active: true, deactivatedAt: null, reason: null, replay: null });
    expect(webhook.callsOf('markActivated').map((call) => call.request)).toEqual([
      { workspaceId: 'ws1', webhookId: webhook.webhookId, replaying: false, atMs: expect.any(Number) },
    ]);
    expect(notifications(webhook)).toEqual([
      ['webhook.deactivated', 'paused by hand'],
      ['webhook.reactivated', 'reactivated, buffer discarded'],
    ]);

    await eventually(() => webhook.withStatus('buffered').length === 0 && harness.idle(webhook), { ...WAIT, what: 'the buffer to be discarded' });
    expect(webhook.withStatus('discarded')).toEqual(buffered.map((d) => d.deliveryId));
    // A page at a time, until a batch finds nothing left.
    expect(webhook.callsOf('discardBuffered').map((call) => call.request.limit)).toEqual([
      REPLAY_PAGE_SIZE,
      REPLAY_PAGE_SIZE,
      REPLAY_PAGE_SIZE,
      REPLAY_PAGE_SIZE,
    ]);
    expect(webhook.callsOf('claimBuffered')).toEqual([]);
    expect(webhook.attempts).toEqual([]);
  });

  it('refuses an activation with a replayConcurrency the REST schema would refuse, and changes nothing', async () => {
    const webhook = await harness.webhook({ active: false });
    await harness.buffer(webhook, 3);
    for (const replayConcurrency of [0, 51, 1.5]) {
      await expect(harness.activate(webhook, { replayEvents: true, replayConcurrency })).rejects.toThrow(
        expect.objectContaining({ name: 'WorkflowUpdateFailedError', cause: expect.objectContaining({ message: expect.stringMatching(/replayConcurrency/) }) }),
      );
    }
    expect(await harness.health(webhook)).toMatchObject({ active: false, reason: 'created inactive', replay: null });
    expect(webhook.callsOf('markActivated')).toEqual([]);
    expect(webhook.withStatus('buffered')).toHaveLength(3);
    // Within the bounds, the same call goes through.
    expect(await harness.activate(webhook, { replayEvents: true, replayConcurrency: 50 })).toMatchObject({ active: true });
  });

  it('replays more than a page, one at a time, in the buffer order, across continue-as-new', async () => {
    const webhook = await harness.webhook({ active: false, historyEventLimit: 1000 });
    const buffered = await harness.buffer(webhook, 250);
    webhook.attemptDelayMs = 2;

    const { answer, shown } = await replayAll(webhook, 1);
    expect(answer).toEqual({ active: true, deactivatedAt: null, reason: null, replay: { total: 250, done: 0 } });
    const attempts = ownAttempts(webhook);
    expect(ids(attempts)).toEqual(buffered.map((d) => d.deliveryId));
    expect(attempts.every((a) => a.local && a.webhookActive && a.input.attemptNumber === 1)).toBe(true);
    // A replay's task may be one run again after a timeout: every replayed attempt checks the record first.
    expect(attempts.every((a) => a.input.checkRecorded === true)).toBe(true);
    // Each attempt begins only once the one before it has ended.
    expect(attempts.slice(1).filter((a, i) => a.startTick < attempts[i].endTick!)).toEqual([]);
    expect(webhook.withStatus('succeeded')).toHaveLength(250);

    const startedAtMs = webhook.callsOf('markActivated')[0].request.atMs;
    expect(webhook.callsOf('replayProgress').map((call) => call.request.replay)).toEqual([
      { total: 250, done: 100, startedAtMs },
      { total: 250, done: 200, startedAtMs },
      { total: 250, done: 250, startedAtMs },
      null,
    ]);
    expect(shown.at(-1)).toBe(250);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    expect(await harness.health(webhook)).toEqual({ active: true, deactivatedAt: null, reason: null, replay: null });
    // The history filled up during the replay: the next run went on where the last one stopped.
    const runs = [...new Set(attempts.map((a) => a.runId))];
    expect(runs.length).toBeGreaterThan(1);
    const first = await harness.env.client.workflow.getHandle(webhook.workflowId, runs[0]).describe();
    expect(first.raw.workflowExecutionInfo?.status).toBe(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW);
  });

  it('replays at most `replayConcurrency` first attempts at once, each after the one that many places before it', async () => {
    const webhook = await harness.webhook({ active: false });
    const buffered = await harness.buffer(webhook, 150);
    webhook.attemptDelayMs = 20;

    await replayAll(webhook, 3);
    const attempts = ownAttempts(webhook);
    expect([...ids(attempts)].sort()).toEqual(buffered.map((d) => d.deliveryId));
    // In buffer order, an attempt begins only once the one three places before it has ended...
    const bySeq = buffered.map((d) => attempts.find((a) => a.input.deliveryId === d.deliveryId)!);
    expect(bySeq.slice(3).filter((a, i) => a.startTick < bySeq[i].endTick!)).toEqual([]);
    expect(maxInFlight(attempts)).toBeLessThanOrEqual(3);
    expect(maxInFlight(attempts)).toBeGreaterThan(1);
    // ...so no attempt begins more than two places away from its place in the buffer.
    const displacement = attempts.map((a, started) => Math.abs(started - buffered.findIndex((d) => d.deliveryId === a.input.deliveryId)));
    expect(Math.max(...displacement)).toBeLessThan(3);
    expect(webhook.withStatus('succeeded')).toHaveLength(150);
    expect(webhook.callsOf('replayProgress').map((call) => call.request.replay?.done ?? null)).toEqual([100, 150, null]);
  });

  it('hands a replayed delivery that needs a retry to its own delivery workflow, counting its earlier attempts', async () => {
    const webhook = await harness.webhook({ active: false });
    const [retried] = await harness.buffer(webhook, 1, { attemptsMade: 2 });
    const [healthy] = await harness.buffer(webhook, 1);
    webhook.script = (attempt) => (attempt.deliveryId === retried.deliveryId && attempt.attemptNumber === 3 ? 503 : 200);

    await replayAll(webhook, 1);
    const child = harness.env.client.workflow.getHandle<typeof deliveryWorkflow>(retried.deliveryId);
    expect(await child.result()).toEqual({ status: 'succeeded', lane: 'priority', attemptsMade: 4, nextAttemptAt: null });
    const attempts = webhook.attemptsOf(retried.deliveryId);
    expect(attempts.map((a) => [a.input.attemptNumber, a.local, a.workflowId])).toEqual([
      [3, true, webhook.workflowId],
      [4, false, retried.deliveryId],
    ]);
    // Attempt 3 stored the plan the delivery workflow then followed: the fixed preset's next retry.
    expect(attempts[0].input.onFailure).toMatchObject({ status: 'pending', lane: 'priority' });
    const attempt4At = webhook.callsOf('deliverAttempt').find((call) => call.request.attemptNumber === 4)!.atMs;
    expect(Math.abs(Date.parse(attempts[0].input.onFailure.nextAttemptAt!) - attempt4At)).toBeLessThan(1000);
    expect((await child.describe()).memo).toMatchObject({ summary: expect.stringContaining('(replayed)') });
    // The delivery that succeeded at once needed no workflow of its own.
    expect(webhook.attemptsOf(healthy.deliveryId).map((a) => a.outcome)).toEqual(['succeeded']);
    await expect(harness.env.client.workflow.getHandle(healthy.deliveryId).describe()).rejects.toThrow(/not found/i);
  });

  it('stops a replay when deactivated in its middle, and a later replay goes on with the rest in order', async () => {
    const webhook = await harness.webhook({ active: false });
    const buffered = await harness.buffer(webhook, 40);
    const tenth = webhook.hold('claimBuffered', buffered[9].deliveryId);
    await harness.activate(webhook, { replayEvents: true, replayConcurrency: 1 });

    // Switched off between two deliveries: nine attempted, the tenth being claimed.
    await tenth.reached;
    await harness.failing(webhook, 'the endpoint answered 410 Gone');
    await eventually(() => webhook.callsOf('markDeactivated').length === 1, { ...WAIT, what: 'the deactivation' });
    expect(await harness.health(webhook)).toMatchObject({ active: false, replay: null });
    tenth.release();
    await eventually(() => harness.idle(webhook), { ...WAIT, what: 'the workflow to be idle' });
    // The claimed one went back to the buffer without a request (the attempt found the webhook
    // inactive); nothing after it was claimed.
    const sent = () => ownAttempts(webhook).filter((a) => a.webhookActive);
    expect(ids(sent())).toEqual(buffered.slice(0, 9).map((d) => d.deliveryId));
    expect(webhook.callsOf('claimBuffered').map((call) => call.request.deliveryId)).toEqual(buffered.slice(0, 10).map((d) => d.deliveryId));
    expect(webhook.withStatus('buffered')).toEqual(buffered.slice(9).map((d) => d.deliveryId));
    expect(webhook.withStatus('succeeded')).toEqual(buffered.slice(0, 9).map((d) => d.deliveryId));

    const { answer } = await replayAll(webhook, 1);
    expect(answer.replay).toEqual({ total: 31, done: 0 });
    expect(ids(sent())).toEqual(buffered.map((d) => d.deliveryId));
    expect(webhook.withStatus('succeeded')).toHaveLength(40);
  });

  it('records the deactivation time from which ingest buffers for 5 days, then drops', async () => {
    const webhook = await harness.webhook({});
    await harness.failing(webhook, 'the endpoint answered 410 Gone');
    const [marked] = await eventuallyValue(
      () => webhook.callsOf('markDeactivated'),
      (calls) => calls.length === 1,
      {
        ...WAIT,
        what: 'markDeactivated',
      },
    );
    const deactivatedAtMs = marked.request.atMs;
    // The window as markDeactivated computes it (bufferUntilMs, with no override set).
    expect(webhook.record.bufferUntilMs).toBe(deactivatedAtMs + DEFAULT_BUFFER_SECONDS * 1000);

    const skipTo = async (atMs: number) => harness.env.sleep(atMs - (await harness.env.currentTimeMs()));
    await skipTo(deactivatedAtMs + 4 * DAY + 23 * HOUR);
    expect(await harness.ingest(webhook)).toBe('buffered');
    await skipTo(deactivatedAtMs + 5 * DAY + 1 * HOUR);
    expect(await harness.ingest(webhook)).toBe('dropped');

    // Five days changed nothing by themselves; the one buffered event is replayed on activation.
    expect(await harness.health(webhook)).toMatchObject({ active: false, deactivatedAt: iso(deactivatedAtMs) });
    await replayAll(webhook, 1);
    expect(ownAttempts(webhook).map((a) => a.outcome)).toEqual(['succeeded']);
  });

  it('continues as new under thousands of signals, keeping its state and notifying once per change', async () => {
    const historyEventLimit = 300;
    const webhook = await harness.webhook({ historyEventLimit });
    // Bursts of signals at once, each once the workflow has handled the one before: a run cannot
    // continue as new while signals keep arriving (Temporal refuses to close a run that has unhandled ones).
    const BURST = 100;
    const bursts = async (reason: string, count: number) => {
      await harness.failing(webhook, reason);
      for (let sent = 1; sent < count; sent += BURST) {
        await Promise.all(Array.from({ length: Math.min(BURST, count - sent) }, () => harness.failing(webhook, `${reason}, again`)));
        await eventually(() => harness.idle(webhook), { ...WAIT, what: 'the workflow to handle a burst' });
      }
    };
    await bursts('first streak', 1500);
    expect(await harness.activate(webhook, { replayEvents: false })).toMatchObject({ active: true });
    await bursts('second streak', 1500);
    const view = await harness.deactivate(webhook, 'paused by hand');
    const marked = webhook.callsOf('markDeactivated').map((call) => call.request);
    expect(marked.map((request) => request.reason)).toEqual(['first streak', 'second streak']);
    expect(view).toEqual({ active: false, deactivatedAt: iso(marked[1].atMs), reason: 'second streak', replay: null });
    expect(notifications(webhook)).toEqual([
      ['webhook.deactivated', 'first streak'],
      ['webhook.reactivated', 'reactivated, buffer discarded'],
      ['webhook.deactivated', 'second streak'],
    ]);

    // Follow the chain of runs: every signal reached one of them, and each history stayed short.
    const runs: Array<{ signals: number; length: number }> = [];
    for (let runId = webhook.firstRunId; runId;) {
      const events = (await harness.env.client.workflow.getHandle(webhook.workflowId, runId).fetchHistory()).events ?? [];
      runs.push({ signals: events.filter((e) => e.workflowExecutionSignaledEventAttributes).length, length: events.length });
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    expect(runs.length).toBeGreaterThan(5);
    expect(runs.reduce((sum, run) => sum + run.signals, 0)).toBe(3000);
    // Each run stopped at its limit, give or take the burst under way (a signal adds at most 4 events).
    expect(Math.max(...runs.map((run) => run.length))).toBeLessThan(historyEventLimit + 4 * BURST);
  });

  it('replays a delivery buffered during its last look, after the mirror said the replay was over', async () => {
    const webhook = await harness.webhook({ active: false });
    const [early] = await harness.buffer(webhook, 1);
    await harness.activate(webhook, { replayEvents: true });
    await eventually(() => webhook.record.replay === undefined, { ...WAIT, what: 'the mirror to show the replay ended' });
    // Ingest read the record a moment before the mirror changed, and buffered one more.
    const [late] = await harness.buffer(webhook, 1);

    await harness.replayEnded(webhook);
    expect(ids(ownAttempts(webhook))).toEqual([early.deliveryId, late.deliveryId]);
    expect(webhook.callsOf('replayProgress').map((call) => call.request.replay?.done ?? null)).toEqual([1, null]);
  });

  it('ends when its webhook is deleted, in the middle of a replay too', async () => {
    const idle = await harness.webhook({ active: false });
    await harness.deleted(idle);
    await expect(idle.handle.result()).resolves.toBeUndefined();
    expect((await idle.handle.describe()).status.name).toBe('COMPLETED');

    const replaying = await harness.webhook({ active: false });
    const buffered = await harness.buffer(replaying, 10);
    const third = replaying.hold('claimBuffered', buffered[2].deliveryId);
    await harness.activate(replaying, { replayEvents: true });
    await third.reached;
    await harness.deleted(replaying);
    await eventually(() => harness.idle(replaying, { activitiesUnderWay: true }), { ...WAIT, what: 'the deletion to be handled' });
    third.release();
    await expect(replaying.handle.result()).resolves.toBeUndefined();
    expect(replaying.callsOf('claimBuffered').map((call) => call.request.deliveryId)).toEqual(buffered.slice(0, 3).map((d) => d.deliveryId));
    expect(replaying.withStatus('buffered')).toEqual(buffered.slice(3).map((d) => d.deliveryId));
  });

  // A `deleted` signal that arrives while the run waits for its handlers before continuing as new
  // must end the workflow, not be dropped with the run.
  it('ends when deleted while it waits for its handlers before continuing as new', async () => {
    const webhook = await harness.webhook({ historyEventLimit: 20 });
    const marking = webhook.hold('markDeactivated');
    await harness.failing(webhook, 'the endpoint answered 410 Gone');
    await marking.reached;
    // More signals fill the history while the deactivation's handler is still under way.
    const handled = { activitiesUnderWay: true };
    while ((await webhook.handle.fetchHistory()).events!.length < 20) {
      await harness.failing(webhook, 'the endpoint answered 410 Gone, again');
      await eventually(() => harness.idle(webhook, handled), { ...WAIT, what: 'the signal to be handled' });
    }
    await harness.deleted(webhook);
    await eventually(() => harness.idle(webhook, handled), { ...WAIT, what: 'the deletion to be handled' });
    marking.release();

    const firstRun = harness.env.client.workflow.getHandle(webhook.workflowId, webhook.firstRunId);
    const closed = await eventually(async () => (await firstRun.describe()).status.name !== 'RUNNING' && firstRun.describe(), {
      ...WAIT,
      what: 'the first run to close',
    });
    expect(closed.status.name).toBe('COMPLETED');
  });
});
