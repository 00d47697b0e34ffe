// What the machine allows without Herald's own work:
//   A: raw undici POSTs to the same receiver, with the same number of clients;
//   B: the same Temporal dev server running the lightest possible workflow per event (one local
//      activity that does nothing), with a worker in this process on its own task queue, started
//      as Herald starts its event workflows: eagerly, by a client on the worker's connection, with
//      the event workflow's search attributes and memo. The same workflow started the old way (a
//      client on a connection of its own, no eager start, no attributes) is measured too, for comparison.
import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowHandle, type WorkflowStartOptions } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Pool } from 'undici';
import { loadConfig } from '../src/config';
import { eventSearchAttributes } from '../workflows/contracts/searchAttributes';
import { eventSummary } from '../workflows/contracts/summaries';
import type { CeilingActivities } from './ceiling/activities';
import type { BenchContext } from './context';
import { edgeSources, readEdge, windowEngine, type WindowEngine } from './engine';
import { trackedBar } from './progress';
import { distribution, ratePerSecond, type Distribution } from './stats';
import { countBy, forEachBounded, now, round } from './util';

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

export interface CeilingBVariant extends CeilingResult, WindowEngine {
  /** Starts the server answered with the first workflow task (`handle.eagerlyStarted`). */
  eagerlyStarted: number;
  /** eagerlyStarted ÷ starts accepted. */
  eagerShare: number;
}

export interface CeilingBResult {
  /**
   * The ceiling: eager start by a client on the worker's NativeConnection, with the search
   * attributes and memo of Herald's event workflow. Herald's targets use this one.
   */
  eager: CeilingBVariant;
  /** For comparison: a client on a grpc-js Connection of its own, no eager start, no attributes, no memo. */
  plain: CeilingBVariant;
}

let runtimeInstalled = false;

/** The SDK logs at INFO to the console by default, which would break the progress bars. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed: keep it
  }
}

/** What one start of a variant sends besides the workflow id and task queue. */
export type StartShape = (workflowId: string) => Partial<WorkflowStartOptions>;

/** As Herald's event workflow carries them: one workspace, one event type, one webhook; a summary memo. */
export const eventShaped: StartShape = (workflowId) => ({
  requestEagerStart: true,
  typedSearchAttributes: eventSearchAttributes('ws_ceilingbench0000000000', 'bench.ceiling', ['wh_ceilingbench000000000']),
  memo: { summary: eventSummary({ eventType: 'bench.ceiling', eventId: workflowId }, [{ name: 'Ceiling B webhook' }]) },
});

/**
 * Measured like Herald: `concurrency` clients start workflows back to back (each waits for its
 * start to be accepted, as an ingest waits for its 202); the activity notes when it ran, as the
 * receiver notes a delivery; then every result is awaited (bounded) to confirm completion.
 * Rate = activities run ÷ (last run − first start); latency = start sent → activity ran.
 * The engine's counters are read when each measured variant begins and after its results.
 */
export async function ceilingB(ctx: BenchContext, temporalAddress: string): Promise<CeilingBResult> {
  const { options, stack } = ctx;
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
    // Only a client on the worker's own connection may ask for an eager start (the SDK checks).
    const eagerClient = new Client({ connection: nativeConnection, namespace: 'default' });
    const plainClient = new Client({ connection, namespace: 'default' });
    // Slots and cache as Herald's workers have them (from the same environment): a start is eager
    // only while the worker has a free workflow-task slot, so the SDK's default of 40 would make
    // the ceiling fall back to the task queue for many of its 32 concurrent starts.
    const herald = loadConfig(process.env);
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowsPath: require.resolve('./ceiling/workflows'),
      activities,
      maxCachedWorkflows: herald.workerCachedWorkflows,
      maxConcurrentWorkflowTaskExecutions: herald.workerWorkflowTaskSlots,
    });
    const sources = edgeSources(stack, false);

    const run = async (client: Client, shape: StartShape, label: string, count: number, prefix: string, show: boolean): Promise<CeilingBVariant> => {
      const errors: Record<string, number> = {};
      const sentAt = new Map<string, number>();
      const handles: Array<WorkflowHandle | undefined> = new Array<WorkflowHandle | undefined>(count);
      let eagerlyStarted = 0;
      const bar = show ? trackedBar(`ceiling B (${prefix})`, count, 'workflows') : undefined;
      const tick = setInterval(() => bar?.update([...sentAt.keys()].filter((id) => ranAt.has(id)).length), 500);
      const open = show ? await readEdge(sources) : undefined;
      const start = now();
      try {
        await forEachBounded(
          count,
          options.concurrency,
          async (i) => {
            const workflowId = `${taskQueue}-${prefix}-${i}`;
            sentAt.set(workflowId, now());
            try {
              const handle = await client.workflow.start('oneLocalActivity', { taskQueue, workflowId, args: [], ...shape(workflowId) });
              handles[i] = handle;
              if (handle.eagerlyStarted) eagerlyStarted++;
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
        const close = open ? await readEdge(sources) : undefined;
        const latencies: number[] = [];
        let last = start;
        for (const [id, sent] of sentAt) {
          const ran = ranAt.get(id);
          if (ran === undefined) continue;
          latencies.push(ran - sent);
          last = Math.max(last, ran);
        }
        const accepted = handles.filter((handle) => handle !== undefined).length;
        return {
          label,
          count,
          completed,
          errors,
          perSecond: ratePerSecond(latencies.length, start, last),
          seconds: (last - start) / 1000,
          latencyMs: distribution(latencies),
          eagerlyStarted,
          eagerShare: accepted > 0 ? round(eagerlyStarted / accepted, 4) : Number.NaN,
          ...(open && close ? windowEngine(open, close, completed, 'workflow', accepted) : {}),
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
      const plainShape: StartShape = () => ({});
      await run(eagerClient, eventShaped, 'warm-up', warm, 'warm-eager', false);
      const eager = await run(
        eagerClient,
        eventShaped,
        'ceiling B: one local activity, eager start with search attributes and memo',
        options.ceilingWorkflows,
        'eager',
        true,
      );
      await run(plainClient, plainShape, 'warm-up', warm, 'warm-plain', false);
      const plain = await run(
        plainClient,
        plainShape,
        'one local activity, own connection, no eager start, no attributes (for comparison)',
        options.ceilingWorkflows,
        'plain',
        true,
      );
      result = { eager, plain };
    });
    if (!result) throw new Error('ceiling B did not run');
    return result;
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}
