// One measured Herald phase: a fresh workspace with `fanout` webhooks, events posted closed- or
// open-loop, then a bounded wait until every delivery Herald promised (202 answers) has reached
// the receiver. Ingest time is when the POST was sent; receipt is the receiver's first arrival
// of that webhook-id; both on the same monotonic clock of this process.
import { HeraldApi } from './api';
import type { BenchContext } from './context';
import { cpuUse, type CpuUse } from './cpu';
import { edgeSources, readEdge, windowEngine, type Edge, type WindowEngine } from './engine';
import { closedLoop, openLoop, type LoadResult, type LoadSpec } from './load';
import { mib, type WindowResult } from './memory';
import { trackedBar } from './progress';
import { cdf, distribution, perSecond, ratePerSecond, type Distribution } from './stats';
import { sleep, waitUntil } from './util';
import { createBenchWorkspace } from './workspace';

export interface HeraldPhaseSpec {
  label: string;
  /** Receiver channel and event-id prefix; unique per phase. */
  channel: string;
  fanout: number;
  events: number;
  concurrency: number;
  /** Set: open loop at this many events per second; unset: closed loop. */
  rate?: number;
  /**
   * Set: while this phase's load runs, another webhook (a workspace of its own) gets `rate` events
   * per second at a receiver that holds each request `hangMs`, with an attempt timeout as long, and
   * an endpoint-health rule that keeps it on: a receiver that hangs, beside the one measured.
   */
  beside?: { rate: number; hangMs: number };
}

/** What was sent to the hanging webhook beside a phase. */
export interface HangingSide {
  rate: number;
  hangMs: number;
  sent: number;
  accepted: number;
  /** Requests that reached the hanging receiver during the phase (first attempts and retries). */
  arrived: number;
}

/** Deliveries received within a span of the phase, and their rate over it. */
export interface DeliverySpan {
  deliveries: number;
  seconds: number;
  perSecond: number;
}

export interface HeraldPhaseResult extends WindowEngine {
  label: string;
  mode: 'closed loop' | 'open loop';
  concurrency: number;
  rate: number | null;
  fanout: number;
  events: number;
  sent: number;
  accepted: number;
  errors: Record<string, number>;
  errorCount: number;
  expectedDeliveries: number;
  delivered: number;
  /** Arrivals of a webhook-id already received (all answered 200, so each is a duplicate). */
  duplicates: number;
  /** Accepted deliveries that had not arrived when the bounded wait ended. */
  lost: number;
  ingestsPerSecond: number;
  deliveriesPerSecond: number;
  /** Receipts from the first send to the last ingest answer, over that time. */
  duringIngest: DeliverySpan;
  /** The other receipts, over the time from the last ingest answer to the last receipt. */
  afterIngest: DeliverySpan;
  sendSeconds: number;
  endToEndSeconds: number;
  latencyMs: Distribution;
  ingestMs: Distribution;
  /** Deliveries per 1 s bucket from the first ingest. */
  perSecond: number[];
  latencyCdf: Array<{ ms: number; fraction: number }>;
  peakRssMiB: Record<string, number>;
  /** CPU per role over the same window as peakRssMiB; only with the embedded stack. */
  cpu?: CpuUse;
  lateSends: number;
  stoppedByDuration: boolean;
  hanging?: HangingSide;
}

export async function runHeraldPhase(ctx: BenchContext, spec: HeraldPhaseSpec): Promise<HeraldPhaseResult> {
  const { options, stack, receiver, sampler } = ctx;
  const api = new HeraldApi(stack.apiUrl, spec.concurrency);
  try {
    const workspace = await createBenchWorkspace(api, stack.adminKey, receiver, { channel: spec.channel, fanout: spec.fanout });
    const channel = receiver.channel(spec.channel);
    const side = spec.beside ? await hangingWebhook(ctx, spec.channel, spec.beside) : undefined;
    const sources = edgeSources(stack);
    const open = await readEdge(sources);
    const window = sampler?.beginWindow();
    const bar = trackedBar(spec.label, spec.events * spec.fanout, 'deliveries');
    let load: LoadResult | undefined;
    const tick = setInterval(() => {
      const errors = load ? Object.values(load.errors).reduce((a, b) => a + b, 0) : 0;
      bar.update(channel.first.size, load ? `sent ${load.sent}, 202 ${load.accepted}, errors ${errors}` : 'sending');
    }, 200);
    try {
      const loadSpec: LoadSpec = {
        api,
        workspace,
        prefix: spec.channel,
        count: spec.events,
        durationMs: options.duration * 1000,
        onAnswer: (result) => {
          load = result;
        },
      };
      let measuredDone = false;
      const sideLoad = side?.send(() => measuredDone);
      try {
        load = spec.rate === undefined ? await closedLoop(loadSpec, spec.concurrency) : await openLoop(loadSpec, spec.rate, Math.max(1024, spec.concurrency));
      } finally {
        measuredDone = true;
        await sideLoad;
      }
      const sent = load;
      bar.setTotal(Math.max(1, sent.expectedDeliveries));
      await waitUntil(() => channel.first.size >= sent.expectedDeliveries, options.drainTimeout * 1000, 100, stack.assertAlive);
      await sleep(500); // late duplicates, if any
    } finally {
      clearInterval(tick);
      bar.update(channel.first.size, 'done');
      bar.stop();
    }
    const measured = window && sampler ? sampler.endWindow(window) : undefined;
    const close = await readEdge(sources); // after the CPU window: the edge waits for the engine's counters
    const result = summarise(spec, load, channel, measured, { open, close });
    if (side) result.hanging = await side.finish();
    return result;
  } finally {
    await api.close();
  }
}

/** The hanging webhook beside a phase: its own workspace and receiver channel, held `hangMs` per request. */
async function hangingWebhook(ctx: BenchContext, channelName: string, beside: { rate: number; hangMs: number }) {
  const { stack, receiver, options } = ctx;
  const api = new HeraldApi(stack.apiUrl, 8);
  const name = `${channelName}-hang`;
  const workspace = await createBenchWorkspace(api, stack.adminKey, receiver, {
    channel: name,
    fanout: 1,
    timeoutMs: Math.min(60_000, beside.hangMs),
    retryPolicy: { preset: 'fixed', maxRetries: 0 }, // no retries left behind to disturb the next phase
    neverDeactivate: true,
  });
  receiver.setHanging(name, beside.hangMs);
  const channel = receiver.channel(name);
  let sent: LoadResult | undefined;
  return {
    send: async (stopWhen: () => boolean): Promise<void> => {
      const spec: LoadSpec = { api, workspace, prefix: name, count: 1_000_000, durationMs: options.duration * 1000, stopWhen };
      sent = await openLoop(spec, beside.rate, 1024);
    },
    /** Answers at once again, and waits (bounded) until every deferred first attempt has arrived. */
    finish: async (): Promise<HangingSide> => {
      const arrived = channel.total;
      receiver.setHanging(name, 0);
      await waitUntil(() => channel.first.size >= (sent?.accepted ?? 0), 120_000, 200, stack.assertAlive).catch(() => undefined);
      await api.close();
      return { ...beside, sent: sent?.sent ?? 0, accepted: sent?.accepted ?? 0, arrived };
    },
  };
}

function summarise(
  spec: HeraldPhaseSpec,
  load: LoadResult,
  channel: ReturnType<BenchContext['receiver']['channel']>,
  measured: WindowResult | undefined,
  edges: { open: Edge; close: Edge },
): HeraldPhaseResult {
  const latencies: number[] = [];
  const arrivals: number[] = [];
  for (const [id, at] of channel.first) {
    arrivals.push(at);
    const key = channel.keys.get(id);
    const sentAt = key === undefined ? undefined : load.sentAt.get(key);
    if (sentAt !== undefined) latencies.push(at - sentAt);
  }
  const lastArrival = arrivals.reduce((max, at) => Math.max(max, at), load.firstSendAt);
  const duringCount = arrivals.filter((at) => at <= load.lastAnswerAt).length;
  const span = (deliveries: number, from: number, to: number): DeliverySpan => ({
    deliveries,
    seconds: Math.round(Math.max(0, to - from)) / 1000,
    perSecond: ratePerSecond(deliveries, from, to),
  });
  const errorCount = Object.values(load.errors).reduce((a, b) => a + b, 0);
  return {
    label: spec.label,
    mode: spec.rate === undefined ? 'closed loop' : 'open loop',
    concurrency: spec.concurrency,
    rate: spec.rate ?? null,
    fanout: spec.fanout,
    events: spec.events,
    sent: load.sent,
    accepted: load.accepted,
    errors: load.errors,
    errorCount,
    expectedDeliveries: load.expectedDeliveries,
    delivered: channel.first.size,
    duplicates: channel.repeats,
    lost: Math.max(0, load.expectedDeliveries - channel.first.size),
    ingestsPerSecond: ratePerSecond(load.accepted, load.firstSendAt, load.lastAnswerAt),
    deliveriesPerSecond: ratePerSecond(channel.first.size, load.firstSendAt, lastArrival),
    duringIngest: span(duringCount, load.firstSendAt, load.lastAnswerAt),
    afterIngest: span(arrivals.length - duringCount, load.lastAnswerAt, Math.max(load.lastAnswerAt, lastArrival)),
    sendSeconds: Math.round(load.lastAnswerAt - load.firstSendAt) / 1000,
    endToEndSeconds: Math.round(lastArrival - load.firstSendAt) / 1000,
    latencyMs: distribution(latencies),
    ingestMs: distribution(load.ingestMs),
    perSecond: perSecond(arrivals, load.firstSendAt),
    latencyCdf: cdf(latencies),
    peakRssMiB: Object.fromEntries(Object.entries(measured?.peakKb ?? {}).map(([role, kb]) => [role, mib(kb)])),
    ...(measured ? { cpu: cpuUse(measured.cpuStart, measured.cpuEnd, channel.first.size) } : {}),
    lateSends: load.late,
    stoppedByDuration: load.stoppedByDuration,
    ...windowEngine(edges.open, edges.close, channel.first.size, 'delivery', load.accepted),
  };
}

/** Sends a few unmeasured events so JIT, connection pools and caches are warm. */
export async function warmUp(ctx: BenchContext, events: number): Promise<void> {
  await runHeraldPhase(ctx, { label: 'warm-up', channel: 'warmup', fanout: 1, events, concurrency: Math.min(8, ctx.options.concurrency) });
}

export function phaseLine(result: HeraldPhaseResult): string {
  return (
    `${result.label}: ${result.deliveriesPerSecond} deliveries/s, ${result.ingestsPerSecond} ingests/s, ` +
    `latency p50 ${result.latencyMs.p50} / p95 ${result.latencyMs.p95} / p99 ${result.latencyMs.p99} ms, ` +
    `errors ${result.errorCount}, lost ${result.lost}, duplicates ${result.duplicates}`
  );
}
