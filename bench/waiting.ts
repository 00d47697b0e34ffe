// Memory with deliveries waiting in retry timers. A webhook whose receiver path answers 500, with
// a fixed retry every hour: each event's first attempt fails and its delivery then waits. With
// `small` and then `large` deliveries waiting, the worker's and API's resident memory is read.
// Then the path answers 200 again, every delivery is retried through the API (bounded
// concurrency), and the benchmark counts that all of them arrive successfully.
import { HeraldApi } from './api';
import type { BenchContext } from './context';
import { cpuUse, type CpuUse } from './cpu';
import { edgeSources, readEdge, windowEngine, type WindowEngine } from './engine';
import { closedLoop, type LoadResult } from './load';
import { mib } from './memory';
import { trackedBar } from './progress';
import { ratePerSecond } from './stats';
import { countBy, forEachBounded, now, sleep, waitUntil } from './util';
import { createBenchWorkspace, type BenchWorkspace } from './workspace';

export interface WaitingStage {
  waiting: number;
  /** Deliveries the API lists as pending with at least one attempt. */
  confirmedPending: number;
  secondsToFirstAttempts: number;
  /** Current VmRSS (tree sums) once they all wait, averaged over 2 s. */
  rssMiB: Record<string, number>;
  ingestErrors: Record<string, number>;
}

export interface WaitingResult {
  small: WaitingStage;
  large: WaitingStage;
  /** large / small, per role. */
  growth: Record<string, number>;
  retried: number;
  retryAnswers: Record<string, number>;
  completed: number;
  retrySeconds: number;
  retriesPerSecond: number;
  peakRssMiB: Record<string, number>;
  /**
   * CPU per role over the whole phase. No figure per delivery: half the receipts are failed first
   * attempts, and the phase also lists deliveries and idles while memory is read.
   */
  cpu?: CpuUse;
  /** Temporal operations per delivery retried (and the engine's growth) over the retries alone. */
  retryWindow?: WindowEngine;
}

const CHANNEL = 'waiting';

/** Thousands of deliveries take a while at tens per second: the bound grows with the count (at least 10/s). */
const boundMs = (ctx: BenchContext, count: number): number => (ctx.options.drainTimeout + count / 10) * 1000;

async function rssAverage(ctx: BenchContext): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  const samples = 8;
  for (let i = 0; i < samples; i++) {
    for (const [role, kb] of Object.entries(ctx.sampler?.sample() ?? {})) sums[role] = (sums[role] ?? 0) + kb;
    await sleep(250);
  }
  return Object.fromEntries(Object.entries(sums).map(([role, kb]) => [role, mib(kb / samples)]));
}

async function fillTo(ctx: BenchContext, api: HeraldApi, workspace: BenchWorkspace, from: number, to: number): Promise<WaitingStage> {
  const { options, stack, receiver } = ctx;
  const channel = receiver.channel(CHANNEL);
  const start = now();
  const bar = trackedBar(`waiting: ${to} in timers`, to, 'first attempts');
  const tick = setInterval(() => bar.update(channel.first.size), 200);
  let load: LoadResult;
  let confirmed = 0;
  try {
    // Event ids continue where the previous stage stopped, so the two stages add up.
    load = await closedLoop({ api, workspace, prefix: `${CHANNEL}-${from}`, count: to - from, durationMs: options.duration * 1000 }, options.concurrency);
    const expected = from + load.expectedDeliveries;
    await waitUntil(() => channel.first.size >= expected, boundMs(ctx, to - from), 100, stack.assertAlive);
    // The attempt is recorded just after the receiver answered: wait until the API shows them all.
    await waitUntil(
      async () => {
        const pending = await api.listDeliveries(workspace.key, workspace.ws, { webhookId: workspace.webhookIds[0], status: 'pending' }, to + 200);
        confirmed = pending.filter((delivery) => delivery.attempts.length >= 1).length;
        return confirmed >= expected;
      },
      60_000,
      1_000,
      stack.assertAlive,
    );
  } finally {
    clearInterval(tick);
    bar.update(channel.first.size);
    bar.stop();
  }
  const secondsToFirstAttempts = (now() - start) / 1000;
  await sleep(2_000); // let the last activity completions and timers settle
  return { waiting: to, confirmedPending: confirmed, secondsToFirstAttempts, rssMiB: await rssAverage(ctx), ingestErrors: load.errors };
}

export async function waitingDeliveries(ctx: BenchContext): Promise<WaitingResult> {
  const { options, stack, receiver, sampler } = ctx;
  const api = new HeraldApi(stack.apiUrl, options.concurrency);
  const window = sampler?.beginWindow();
  try {
    receiver.setFailing(CHANNEL, true);
    const workspace = await createBenchWorkspace(api, stack.adminKey, receiver, {
      channel: CHANNEL,
      fanout: 1,
      retryPolicy: { preset: 'fixed', intervalSeconds: 3600 },
      neverDeactivate: true,
    });
    const small = await fillTo(ctx, api, workspace, 0, options.waitingSmall);
    const large = await fillTo(ctx, api, workspace, options.waitingSmall, options.waitingLarge);
    const growth: Record<string, number> = {};
    for (const [role, value] of Object.entries(large.rssMiB)) {
      const before = small.rssMiB[role];
      if (before) growth[role] = Math.round((value / before) * 1000) / 1000;
    }

    // Release: the path answers 200 and every waiting delivery is told to retry now.
    receiver.setFailing(CHANNEL, false);
    const channel = receiver.channel(CHANNEL);
    const pending = await api.listDeliveries(
      workspace.key,
      workspace.ws,
      { webhookId: workspace.webhookIds[0], status: 'pending' },
      options.waitingLarge + 200,
    );
    const ids = pending.map((delivery) => delivery.id);
    const retryAnswers: Record<string, number> = {};
    const sources = edgeSources(stack);
    const open = await readEdge(sources);
    const bar = trackedBar('waiting: retry all', ids.length, 'delivered');
    const tick = setInterval(() => bar.update(channel.succeeded.size), 200);
    const start = now();
    try {
      await forEachBounded(
        ids.length,
        options.concurrency,
        async (i) => {
          const answer = await api.call('POST', `/workspaces/${workspace.ws}/deliveries/${encodeURIComponent(ids[i])}/retry`, workspace.key);
          countBy(retryAnswers, answer.status === 0 ? `network:${answer.error ?? 'unknown'}` : String(answer.status));
        },
        start + boundMs(ctx, ids.length),
      );
      await waitUntil(() => channel.succeeded.size >= ids.length, boundMs(ctx, ids.length), 100, stack.assertAlive);
    } finally {
      clearInterval(tick);
      bar.update(channel.succeeded.size);
      bar.stop();
    }
    const lastSuccess = Math.max(start, channel.lastAt);
    const measured = window && sampler ? sampler.endWindow(window) : undefined;
    const close = await readEdge(sources); // after the CPU window: the edge waits for the engine's counters
    // No events are ingested here: the engine's bytes are per retried delivery instead.
    const retryWindow = windowEngine(open, close, channel.succeeded.size, 'delivery', ids.length);
    return {
      small,
      large,
      growth,
      retried: ids.length,
      retryAnswers,
      completed: channel.succeeded.size,
      retrySeconds: Math.round(lastSuccess - start) / 1000,
      retriesPerSecond: ratePerSecond(channel.succeeded.size, start, lastSuccess),
      peakRssMiB: Object.fromEntries(Object.entries(measured?.peakKb ?? {}).map(([role, kb]) => [role, mib(kb)])),
      ...(measured ? { cpu: cpuUse(measured.cpuStart, measured.cpuEnd) } : {}),
      retryWindow,
    };
  } finally {
    receiver.setFailing(CHANNEL, false);
    await api.close();
  }
}
