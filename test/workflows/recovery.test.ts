// The recovery workflow on the time-skipping server, with the real delivery workflow as the run
// each resend starts and recording doubles of the activities (test/support/fakes/recoveryWorld.ts):
// the order of resends, one at a time, the range and statuses, every end state, skips, paging,
// continue-as-new and a claim repeated after a lost answer.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { RECOVERABLE_STATUSES } from '../../src/core/domain';
import { recoveryWorkflowId } from '../../src/core/ids';
import type { RecoveryInput, RecoveryResult } from '../../workflows/contracts/recovery';
import type { recoveryWorkflow } from '../../workflows';
import { RecoveryWorld, type FakeDelivery } from '../support/fakes/recoveryWorld';
import { quietRuntime } from '../support/quietRuntime';
import { createTimeSkippingEnv } from '../support/timeSkipping';

const HOUR = 3_600_000;
// Weeks before the test server's clock: a `fixed` delivery expires 24 h after its event, so each
// of these is past its maximum age, and a recovery attempts it all the same.
const T0 = Date.parse('2026-01-05T00:00:00.000Z');

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let world: RecoveryWorld;
const taskQueue = `recovery-test-${randomUUID()}`;

beforeAll(async () => {
  quietRuntime('ERROR');
  env = await createTimeSkippingEnv();
  // One worker for the file; its activities act on the current test's world.
  const names = Object.keys(new RecoveryWorld().activities()) as Array<keyof ReturnType<RecoveryWorld['activities']>>;
  const activities = Object.fromEntries(names.map((name) => [name, (request: never) => (world.activities()[name] as (r: never) => Promise<unknown>)(request)]));
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: require.resolve('../../workflows'), activities });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});
beforeEach(() => {
  world = new RecoveryWorld();
});

/** A delivery id of this test: `delivery/ws1/evt_<test>_<name>/wh1`. */
const tag = () => randomUUID().slice(0, 8);
const idOf = (t: string, name: string) => `delivery/ws1/evt_${t}_${name}/wh1`;

async function recover(input: Partial<RecoveryInput> = {}): Promise<{ result: RecoveryResult; workflowId: string; recoveryId: string }> {
  const recoveryId = `rcv_${randomUUID()}`;
  const full: RecoveryInput = {
    workspaceId: 'ws1',
    webhookId: 'wh1',
    recoveryId,
    sinceMs: T0,
    untilMs: T0 + HOUR,
    statuses: [...RECOVERABLE_STATUSES],
    createdAtMs: T0 + 2 * HOUR,
    ...input,
  };
  const workflowId = recoveryWorkflowId('ws1', recoveryId);
  const handle = await env.client.workflow.start<typeof recoveryWorkflow>('recoveryWorkflow', { workflowId, taskQueue, args: [full] });
  return { result: await handle.result(), workflowId, recoveryId };
}

/** The claims and attempts in the order they were made: `claim:<id>` and `attempt:<id>`. */
const claimsAndAttempts = () =>
  world.calls
    .filter((call) => call.name === 'claimForRecovery' || call.name === 'deliverAttempt')
    .map((call) => `${call.name === 'claimForRecovery' ? 'claim' : 'attempt'}:${call.deliveryId}`);

const statusOf = (id: string) => world.deliveries.get(id)!.status;

describe('a recovery that completes', () => {
  it("resends every matching delivery once, one after the other, by creation time then id, past the policy's maximum age", async () => {
    const t = tag();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => idOf(t, name));
    world.add({ deliveryId: c, createdAtMs: T0 + 2000, status: 'failed', attemptsMade: 6, replies: [200] });
    world.add({ deliveryId: b, createdAtMs: T0 + 1000, status: 'discarded', attemptsMade: 0, replies: [200] });
    world.add({ deliveryId: a, createdAtMs: T0 + 1000, status: 'expired', attemptsMade: 2, replies: [500] });
    world.add({ deliveryId: d, createdAtMs: T0 + 3000, status: 'dropped', attemptsMade: 0, replies: [200] });
    // Not in the recovery: another status, before `since`, at `until` (exclusive).
    world.add({ deliveryId: idOf(t, 'ok'), createdAtMs: T0 + 1500, status: 'succeeded' });
    world.add({ deliveryId: idOf(t, 'early'), createdAtMs: T0 - 1, status: 'failed' });
    world.add({ deliveryId: idOf(t, 'late'), createdAtMs: T0 + HOUR, status: 'failed' });

    const { result, recoveryId } = await recover();

    expect(result).toEqual({ state: 'completed', matched: 4, resent: 4, skipped: 0, succeeded: 3 });
    // Strictly in order: each delivery is claimed only after the previous one's attempt ended.
    expect(claimsAndAttempts()).toEqual([a, b, c, d].flatMap((id) => [`claim:${id}`, `attempt:${id}`]));
    // One fresh attempt each, numbered after the ones made before; a failed resend is not retried.
    expect([a, b, c, d].map((id) => [statusOf(id), world.deliveries.get(id)!.attemptsMade])).toEqual([
      ['failed', 3],
      ['succeeded', 1],
      ['succeeded', 7],
      ['succeeded', 1],
    ]);
    expect([idOf(t, 'ok'), idOf(t, 'early'), idOf(t, 'late')].map(statusOf)).toEqual(['succeeded', 'failed', 'failed']);
    expect(world.records.get(recoveryId)).toEqual({ state: 'completed', matched: 4, resent: 4, skipped: 0, succeeded: 3, creations: 1 });
  });

  it('resends only the statuses asked for', async () => {
    const t = tag();
    world.add({ deliveryId: idOf(t, 'failed'), createdAtMs: T0 + 1, status: 'failed' });
    world.add({ deliveryId: idOf(t, 'dropped'), createdAtMs: T0 + 2, status: 'dropped', attemptsMade: 0 });
    const { result } = await recover({ statuses: ['dropped'] });
    expect(result).toEqual({ state: 'completed', matched: 1, resent: 1, skipped: 0, succeeded: 1 });
    expect(world.attempted()).toEqual([idOf(t, 'dropped')]);
    expect(statusOf(idOf(t, 'failed'))).toBe('failed');
  });

  it('completes at once with nothing to resend', async () => {
    const { result, recoveryId } = await recover();
    expect(result).toEqual({ state: 'completed', matched: 0, resent: 0, skipped: 0, succeeded: 0 });
    expect(world.records.get(recoveryId)?.state).toBe('completed');
  });
});

describe('skips', () => {
  it('skips a delivery changed before its turn and one whose event is gone, and goes on', async () => {
    const t = tag();
    const [first, changed, eventless, last] = ['1', '2', '3', '4'].map((name) => idOf(t, name));
    world.add({ deliveryId: first, createdAtMs: T0 + 1, status: 'failed' });
    world.add({ deliveryId: changed, createdAtMs: T0 + 2, status: 'failed' });
    world.add({ deliveryId: eventless, createdAtMs: T0 + 3, status: 'failed', eventExists: false });
    world.add({ deliveryId: last, createdAtMs: T0 + 4, status: 'failed' });
    // While the first is resent, someone retries the second by hand and it succeeds.
    world.beforeAttempt = (delivery: FakeDelivery) => {
      if (delivery.deliveryId === first) world.deliveries.get(changed)!.status = 'succeeded';
    };
    const { result } = await recover();
    expect(result).toEqual({ state: 'completed', matched: 4, resent: 2, skipped: 2, succeeded: 2 });
    expect(world.attempted()).toEqual([first, last]);
    expect(statusOf(eventless)).toBe('failed');
  });

  it('resends once a delivery whose claim was written but not answered (the activity ran again)', async () => {
    const t = tag();
    const [lost, next] = [idOf(t, 'lost'), idOf(t, 'next')];
    world.add({ deliveryId: lost, createdAtMs: T0 + 1, status: 'failed' });
    world.add({ deliveryId: next, createdAtMs: T0 + 2, status: 'expired' });
    world.claimsThatFailOnce.add(lost);
    const { result } = await recover();
    expect(result).toEqual({ state: 'completed', matched: 2, resent: 2, skipped: 0, succeeded: 2 });
    expect(claimsAndAttempts()).toEqual([`claim:${lost}`, `claim:${lost}`, `attempt:${lost}`, `claim:${next}`, `attempt:${next}`]);
  });
});

describe('a recovery that fails', () => {
  it('fails at once when the webhook no longer exists', async () => {
    world.add({ deliveryId: idOf(tag(), 'x'), createdAtMs: T0 + 1, status: 'failed' });
    world.webhookExists = false;
    const { result, recoveryId } = await recover();
    expect(result).toEqual({ state: 'failed', matched: null, resent: 0, skipped: 0, succeeded: 0, error: 'the webhook was deleted' });
    expect(world.attempted()).toEqual([]);
    expect(world.records.get(recoveryId)).toMatchObject({ state: 'failed', error: 'the webhook was deleted' });
  });

  it('fails when the webhook is deleted during the recovery, keeping what it resent', async () => {
    const t = tag();
    const [first, second] = [idOf(t, '1'), idOf(t, '2')];
    world.add({ deliveryId: first, createdAtMs: T0 + 1, status: 'failed' });
    world.add({ deliveryId: second, createdAtMs: T0 + 2, status: 'failed' });
    world.beforeAttempt = () => {
      world.webhookExists = false;
    };
    const { result } = await recover({ pageSize: 1 });
    expect(result).toEqual({ state: 'failed', matched: 2, resent: 1, skipped: 0, succeeded: 1, error: 'the webhook was deleted during the recovery' });
    expect(world.attempted()).toEqual([first]);
  });

  it('stops when the webhook is switched off: the delivery in its turn waits in the buffer, the rest are left as they were', async () => {
    const t = tag();
    const [first, offWhenSent, after] = ['1', '2', '3'].map((name) => idOf(t, name));
    world.add({ deliveryId: first, createdAtMs: T0 + 1, status: 'failed' });
    world.add({ deliveryId: offWhenSent, createdAtMs: T0 + 2, status: 'failed', replies: ['webhook-inactive'] });
    world.add({ deliveryId: after, createdAtMs: T0 + 3, status: 'failed' });
    const { result, recoveryId } = await recover();
    expect(result).toMatchObject({ state: 'failed', matched: 3, resent: 2, skipped: 0, succeeded: 1 });
    expect(result.error).toMatch(/switched off/);
    expect([first, offWhenSent, after].map(statusOf)).toEqual(['succeeded', 'buffered', 'failed']);
    expect(world.attempted()).toEqual([first, offWhenSent]);
    expect(world.records.get(recoveryId)).toMatchObject({ state: 'failed', resent: 2 });
  });
});

describe('large ranges', () => {
  it('reads bounded pages and continues as new, keeping the order and the counts', async () => {
    const t = tag();
    const ids = Array.from({ length: 7 }, (_, i) => idOf(t, `n${i}`));
    // Created in reverse id order, so the order followed is the creation time's.
    ids.forEach((id, i) =>
      world.add({ deliveryId: id, createdAtMs: T0 + (ids.length - i) * 1000, status: i % 2 ? 'failed' : 'expired', replies: [i === 3 ? 500 : 200] }),
    );

    const { result, workflowId, recoveryId } = await recover({ pageSize: 2, historyEventLimit: 40 });

    expect(result).toEqual({ state: 'completed', matched: 7, resent: 7, skipped: 0, succeeded: 6 });
    expect(world.attempted()).toEqual([...ids].reverse());
    const pages = world.calls.filter((call) => call.name === 'recoveryPage' && call.workflowId === workflowId);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    const runs = new Set(world.calls.filter((call) => call.workflowId === workflowId).map((call) => call.runId));
    expect(runs.size).toBeGreaterThan(1);
    // The record was created once and counted once, however many runs there were.
    expect(world.calls.filter((call) => call.name === 'beginRecovery' && call.workflowId === workflowId)).toHaveLength(1);
    expect(world.records.get(recoveryId)).toEqual({ state: 'completed', matched: 7, resent: 7, skipped: 0, succeeded: 6, creations: 1 });
  });
});
