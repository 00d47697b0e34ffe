// What the machine allows without Herald's own work:
//   A: raw undici POSTs to the same receiver, with the same number of clients;
//   B: the same Temporal dev server running the lightest possible workflow per event (one local
//      activity that does nothing), with a worker in this process on its own task queue. The
//      one-regular-activity variant is measured too, for comparison.
import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Pool } from 'undici';
import type { CeilingActivities } from './ceiling/activities';
import type { BenchContext } from './context';
import { trackedBar } from './progress';
import { distribution, ratePerSecond, type Distribution } from './stats';
import { countBy, forEachBounded, now } from './util';

export interface CeilingResult {
  label: string;
  count: number;
  completed: number;
  errors: Record<string, number>;
  perSecond: number;
  seconds: number;
  latencyMs: Distribution;
}

/** The body a delivery of a benchmark event carries, give or take the timestamp. */
const DELIVERY_LIKE_BODY = JSON.stringify({
  id: 'ceiling-event-00000',
  family: 'bench',
  action: 'bench.ceiling',
  timestamp: new Date().toISOString(),
  data: { bench: 'ceiling-event-00000', n: 0, note: 'Herald benchmark event' },
});

export async function ceilingA(ctx: BenchContext): Promise<CeilingResult> {
  const { receiver, options } = ctx;
  const count = options.ceilingRequests;
  const pool = new Pool(receiver.origin, { connections: options.concurrency, pipelining: 1 });
  const errors: Record<string, number> = {};
  const latencies: number[] = [];
  const bar = trackedBar('ceiling A (undici POST)', count, 'requests');
  let completed = 0;
  const start = now();
  try {
    await forEachBounded(
      count,
      options.concurrency,
      async (i) => {
        const sent = now();
        try {
          const response = await pool.request({
            method: 'POST',
            path: '/ceilinga/0',
            headers: { 'content-type': 'application/json', 'webhook-id': `ceiling-a-${i}` },
            body: DELIVERY_LIKE_BODY,
          });
          await response.body.dump();
          if (response.statusCode === 200) completed++;
          else countBy(errors, String(response.statusCode));
        } catch (error) {
          countBy(errors, `network:${(error as { code?: string }).code ?? 'error'}`);
        }
        latencies.push(now() - sent);
        if (i % 200 === 0) bar.update(completed);
      },
      start + options.duration * 1000,
    );
  } finally {
    bar.update(completed);
    bar.stop();
    await pool.close();
  }
  const end = now();
  return {
    label: 'ceiling A: undici POST to the receiver',
    count,
    completed,
    errors,
    perSecond: ratePerSecond(completed, start, end),
    seconds: (end - start) / 1000,
    latencyMs: distribution(latencies),
  };
}

type CeilingWorkflow = 'oneLocalActivity' | 'oneActivity';

export interface CeilingBResult {
  localActivity: CeilingResult;
  regularActivity: CeilingResult;
}

let runtimeInstalled = false;

/** The SDK logs at INFO to the console by default, which would break the progress bars. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed: keep it
  }
}

/**
 * Measured like Herald: `concurrency` clients start workflows back to back (each waits for its
 * start to be accepted, as an ingest waits for its 202); the activity notes when it ran, as the
 * receiver notes a delivery; then every result is awaited (bounded) to confirm completion.
 * Rate = activities run ÷ (last run − first start); latency = start sent → activity ran.
 */
export async function ceilingB(ctx: BenchContext, temporalAddress: string): Promise<CeilingBResult> {
  const { options } = ctx;
  quietRuntime();
  const taskQueue = `bench-ceiling-${randomBytes(4).toString('hex')}`;
  const ranAt = new Map<string, number>();
  const activities: CeilingActivities = {
    noop: async (key) => {
      if (!ranAt.has(key)) ranAt.set(key, now());
    },
  };
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowsPath: require.resolve('./ceiling/workflows'),
      activities,
    });

    const run = async (workflow: CeilingWorkflow, label: string, count: number, prefix: string, show: boolean): Promise<CeilingResult> => {
      const errors: Record<string, number> = {};
      const sentAt = new Map<string, number>();
      const handles: Array<WorkflowHandle | undefined> = new Array<WorkflowHandle | undefined>(count);
      const bar = show ? trackedBar(`ceiling B (${workflow})`, count, 'workflows') : undefined;
      const tick = setInterval(() => bar?.update([...sentAt.keys()].filter((id) => ranAt.has(id)).length), 500);
      const start = now();
      try {
        await forEachBounded(
          count,
          options.concurrency,
          async (i) => {
            const workflowId = `${taskQueue}-${prefix}-${i}`;
            sentAt.set(workflowId, now());
            try {
              handles[i] = await client.workflow.start(workflow, { taskQueue, workflowId, args: [] });
            } catch (error) {
              countBy(errors, `start:${(error as Error).name || 'error'}`);
            }
          },
          start + options.duration * 1000,
        );
        let completed = 0;
        await forEachBounded(
          count,
          64,
          async (i) => {
            const handle = handles[i];
            if (!handle) return;
            try {
              await handle.result();
              completed++;
            } catch (error) {
              countBy(errors, `result:${(error as Error).name || 'error'}`);
            }
          },
          now() + options.drainTimeout * 1000,
        );
        const latencies: number[] = [];
        let last = start;
        for (const [id, sent] of sentAt) {
          const ran = ranAt.get(id);
          if (ran === undefined) continue;
          latencies.push(ran - sent);
          last = Math.max(last, ran);
        }
        return {
          label,
          count,
          completed,
          errors,
          perSecond: ratePerSecond(latencies.length, start, last),
          seconds: (last - start) / 1000,
          latencyMs: distribution(latencies),
        };
      } finally {
        clearInterval(tick);
        bar?.update([...sentAt.keys()].filter((id) => ranAt.has(id)).length);
        bar?.stop();
      }
    };

    let result: CeilingBResult | undefined;
    await worker.runUntil(async () => {
      const warm = Math.min(100, Math.ceil(options.ceilingWorkflows / 10));
      await run('oneLocalActivity', 'warm-up', warm, 'warm-local', false);
      const localActivity = await run('oneLocalActivity', 'ceiling B: workflow with one local activity', options.ceilingWorkflows, 'local', true);
      await run('oneActivity', 'warm-up', warm, 'warm-regular', false);
      const regularActivity = await run('oneActivity', 'workflow with one regular activity (not the ceiling)', options.ceilingWorkflows, 'regular', true);
      result = { localActivity, regularActivity };
    });
    if (!result) throw new Error('ceiling B did not run');
    return result;
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}
