// Records the histories of real runs of Herald's workflows, for test/workflows/replay.test.ts to
// replay against the current workflow code. Each case runs the real workflows (workflows/) on
// the time-skipping test server pinned in .tools/, with scripted doubles of the activities, and
// is started as production starts it (src/temporal/starts.ts, src/temporal/endpointHealth.ts).
//
//   npx tsx test/workflows/history/record.ts     (npm run fixtures:histories)
//
// Only for a workflow change that is meant to alter new runs and is patched: keep the old
// fixtures (renamed *-v1.json) so that histories of runs started before it keep replaying.
import { mkdirSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { quietRuntime } from '../../support/quietRuntime';
import { createTimeSkippingEnv } from '../../support/timeSkipping';
import { cancelSignal, retryNowSignal } from '../../../workflows/contracts/delivery';
import { healthQuery } from '../../../workflows/contracts/endpointHealth';
import * as health from '../../../src/temporal/endpointHealth';
import { doubles, OUT_DIR, Recorder, save, saveRuns, TASK_QUEUE, until } from './recorder';
import { RecoveryWorld } from '../../support/fakes/recoveryWorld';
import { startRecoveryWorkflow } from '../../../src/temporal/recoveries';
import { recoveryWorkflowId } from '../../../src/core/ids';
import type { RecoveryActivities } from '../../../workflows/contracts/activities';
import type { WorkflowActivities } from '../../support/fakes/activities';

/** The recovery case's deliveries; their attempts go to its doubles, every other one to the shared world's. */
const recoveries = new RecoveryWorld();

function activities(): WorkflowActivities & RecoveryActivities {
  const recovery = recoveries.activities();
  const ours = (deliveryId: string) => recoveries.deliveries.has(deliveryId);
  return {
    ...doubles,
    ...recovery,
    deliverAttempt: (input) => (ours(input.deliveryId) ? recovery : doubles).deliverAttempt(input),
    recordDeliveryStatus: (update) => (ours(update.deliveryId) ? recovery : doubles).recordDeliveryStatus(update),
  };
}

async function record(r: Recorder): Promise<void> {
  {
    const { handle } = await r.delivery('evt_fixture3', { preset: 'fixed' }, [500]);
    await handle.result();
    await save('delivery-fixed-failed', handle);
  }
  {
    // Four priority retries, then the slow lane; a small history limit makes the runs continue as new.
    const { handle, firstRunId } = await r.delivery('evt_fixture4', { preset: 'progressive', maxRetries: 4 }, [...Array<number>(11).fill(500), 200], 60);
    await handle.result();
    const runs = await saveRuns('delivery-progressive-lane-switch-can', r.env, handle.workflowId, firstRunId);
    if (runs < 2) throw new Error('delivery-progressive-lane-switch-can: expected a continue-as-new');
  }
  {
    const { handle } = await r.delivery('evt_fixture5', { preset: 'max-attempts' }, [500]);
    await handle.result();
    await save('delivery-max-attempts', handle);
  }
  {
    const { handle, deliveryId } = await r.delivery('evt_fixture6', { preset: 'fixed' }, [500, 200]);
    await r.intoFirstWait(deliveryId, 100_000);
    await handle.signal(retryNowSignal);
    await handle.result();
    await save('delivery-retry-now', handle);
  }
  {
    const { handle, deliveryId } = await r.delivery('evt_fixture7', { preset: 'fixed' }, [500]);
    await r.intoFirstWait(deliveryId, 60_000);
    await handle.signal(cancelSignal);
    await handle.result();
    await save('delivery-cancel', handle);
  }
  {
    // The webhook at its in-flight cap twice, a failure, once more, then a success: the deferrals are not counted.
    const { handle } = await r.delivery('evt_fixture8', { preset: 'fixed' }, ['deferred', 'deferred', 500, 'deferred', 200], undefined, true);
    await handle.result();
    await save('delivery-deferred', handle);
  }
  {
    // A 429 asking for 900 s, longer than the 300 s schedule: the record's next attempt is corrected.
    const { handle } = await r.delivery('evt_fixture9', { preset: 'fixed' }, [{ status: 429, retryAfterSeconds: 900 }, 200]);
    await handle.result();
    await save('delivery-retry-after', handle);
  }
  {
    // Switched off, three deliveries buffered, switched on with a replay: the second fails and
    // gets a delivery workflow of its own (which succeeds at its second attempt).
    const { webhook, handle } = await r.webhook('wh_replay');
    await r.switchedOff(webhook, handle);
    const [, failing] = await r.buffer(webhook, [[200], [500, 200], [200]]);
    await health.requestActivation(r.temporal, webhook.doc(), { replayEvents: true });
    const child = r.env.client.workflow.getHandle(failing);
    await until(
      'the hand-over',
      () =>
        child.describe().then(
          () => true,
          () => false,
        ),
      () => r.env.sleep('1 second'),
    );
    await child.result();
    await until(
      'the replay to end',
      async () => (await handle.query(healthQuery)).replay === null,
      () => r.env.sleep('1 second'),
    );
    await r.deleted('wh_replay', handle);
    await save('health-deactivate-replay', handle);
  }
  {
    const { webhook, handle } = await r.webhook('wh_discard');
    await r.switchedOff(webhook, handle);
    await r.buffer(webhook, [[200], [200], [200]]);
    await health.requestActivation(r.temporal, webhook.doc(), { replayEvents: false });
    await until(
      'the discard',
      () => webhook.inSeqOrder().every((delivery) => delivery.status === 'discarded'),
      () => r.env.sleep('1 second'),
    );
    await r.deleted('wh_discard', handle);
    await save('health-discard', handle);
  }
  {
    // A recovery of three ended deliveries, two to a page: a resend that succeeds, one that fails
    // again (one attempt, no retries), and a discarded one sent for the first time.
    const at = Date.parse('2026-11-30T10:00:00.000Z');
    recoveries.add({ deliveryId: 'delivery/ws1/evt_fixture11a/wh9', createdAtMs: at + 1000, status: 'failed', replies: [200] });
    recoveries.add({ deliveryId: 'delivery/ws1/evt_fixture11b/wh9', createdAtMs: at + 2000, status: 'expired', attemptsMade: 2, replies: [500] });
    recoveries.add({ deliveryId: 'delivery/ws1/evt_fixture11c/wh9', createdAtMs: at + 3000, status: 'discarded', attemptsMade: 0, replies: [200] });
    const input = {
      workspaceId: 'ws1',
      webhookId: 'wh9',
      recoveryId: 'rcv_fixture1',
      sinceMs: at,
      untilMs: at + 3_600_000,
      statuses: ['failed' as const, 'expired' as const, 'discarded' as const],
      createdAtMs: at + 7_200_000,
      pageSize: 2,
    };
    await startRecoveryWorkflow(r.temporal, input, 'recover failed, expired, discarded deliveries of wh9');
    const handle = r.env.client.workflow.getHandle(recoveryWorkflowId('ws1', 'rcv_fixture1'));
    await handle.result();
    await save('recovery-completed', handle);
  }
  // Last: recorded first, the event cases left the time-skipping test server no longer skipping
  // time for the delivery workflows started after them (cause not pinned down); the event's own
  // child still gets its time skipped.
  {
    const { handle } = await r.event('evt_fixture1', [{ policy: { preset: 'fixed' }, replies: [200] }]);
    await save('event-first-try-success', handle);
  }
  {
    // A success, a failure handed to a delivery workflow of its own (which succeeds at its second attempt), an inactive webhook.
    const { handle, deliveryIds } = await r.event('evt_fixture2', [
      { policy: { preset: 'fixed' }, replies: [200] },
      { policy: { preset: 'fixed' }, replies: [500, 200] },
      { policy: { preset: 'fixed' }, replies: ['webhook-inactive'] },
    ]);
    await save('event-fanout-mixed', handle);
    const child = r.env.client.workflow.getHandle(deliveryIds[1]);
    await child.result();
    await save('event-fanout-mixed-delivery', child);
  }
  {
    // A first attempt deferred at the in-flight cap: handed, uncounted, to a delivery workflow of its own.
    const { handle, deliveryIds } = await r.event('evt_fixture10', [
      { policy: { preset: 'fixed' }, replies: ['deferred', 'deferred', 200], byCall: true },
      { policy: { preset: 'fixed' }, replies: [200] },
    ]);
    await save('event-deferred', handle);
    const child = r.env.client.workflow.getHandle(deliveryIds[0]);
    await child.result();
    await save('event-deferred-delivery', child);
  }
}

async function main(): Promise<void> {
  quietRuntime('ERROR');
  mkdirSync(OUT_DIR, { recursive: true });
  const env = await createTimeSkippingEnv();
  try {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('../../../workflows'),
      activities: activities(),
    });
    await worker.runUntil(record(new Recorder(env, { client: env.client, taskQueue: TASK_QUEUE, close: async () => {} })));
  } finally {
    await env.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
