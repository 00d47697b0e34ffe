// The engine's database as it is after a long day: `count` closed workflows shaped like Herald's
// event workflow (eager start, its search attributes and memo, one local activity), started on a
// task queue of their own by a worker inside the benchmark, so the `grown` phase can measure
// Herald again on a Temporal database that holds them (the namespace's retention keeps them).
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { CeilingActivities } from './ceiling/activities';
import { eventShaped, quietRuntime } from './ceilings';
import type { BenchContext } from './context';
import { trackedBar } from './progress';
import { countBy, forEachBounded, now, round, sleep, waitUntil } from './util';

/** After the last fill workflow ran, the engine still writes its close (visibility, queues): let it, unmeasured. */
const FILL_SETTLE_MS = 10_000;

export interface EngineFill {
  workflows: number;
  started: number;
  completed: number;
  seconds: number;
  perSecond: number;
  errors: Record<string, number>;
}

export async function fillEngine(ctx: BenchContext, temporalAddress: string, count: number): Promise<EngineFill> {
  const { options, stack } = ctx;
  quietRuntime();
  const taskQueue = `bench-fill-${randomBytes(4).toString('hex')}`;
  let completed = 0;
  const activities: CeilingActivities = {
    noop: async () => {
      completed++;
    },
  };
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const errors: Record<string, number> = {};
  let started = 0;
  const bar = trackedBar('filling the engine', count, 'workflows');
  const tick = setInterval(() => bar.update(completed), 500);
  const start = now();
  try {
    const client = new Client({ connection, namespace: 'default' });
    const worker = await Worker.create({
      connection,
      namespace: 'default',
      taskQueue,
      workflowsPath: require.resolve('./ceiling/workflows'),
      activities,
      maxCachedWorkflows: 250,
      maxConcurrentWorkflowTaskExecutions: 200,
    });
    await worker.runUntil(async () => {
      await forEachBounded(
        count,
        options.concurrency,
        async (i) => {
          const workflowId = `${taskQueue}-${i}`;
          try {
            await client.workflow.start('oneLocalActivity', { taskQueue, workflowId, args: [], ...eventShaped(workflowId) });
            started++;
          } catch (error) {
            countBy(errors, `start:${(error as Error).name || 'error'}`);
          }
        },
        start + Math.max(options.duration, count / 20) * 1000,
      );
      await waitUntil(() => completed >= started, options.drainTimeout * 1000, 200, stack.assertAlive);
    });
    await sleep(FILL_SETTLE_MS);
  } finally {
    clearInterval(tick);
    bar.update(completed);
    bar.stop();
    await connection.close();
  }
  const seconds = (now() - start) / 1000;
  return { workflows: count, started, completed, seconds: round(seconds, 1), perSecond: round(completed / seconds, 1), errors };
}
