// Posting events: closed loop (N clients, each sends its next event when the last is answered)
// or open loop (paced at a fixed rate, whatever the answers do). Both are bounded in count and
// time, and record when each event was sent, which answers came back, and how many deliveries
// Herald said it would make.
import type { HeraldApi } from './api';
import { countBy, now, sleep } from './util';
import type { BenchWorkspace } from './workspace';

export interface LoadResult {
  /** Events whose POST was sent. */
  sent: number;
  /** Answered 202. */
  accepted: number;
  /** Everything but 202, by status ("503", or "network:ECONNRESET"). */
  errors: Record<string, number>;
  /** Deliveries the 202 answers listed. */
  expectedDeliveries: number;
  /** Benchmark key (also the event id) → monotonic time its POST was sent. */
  sentAt: Map<string, number>;
  /** Round-trip times of the ingest POSTs, ms. */
  ingestMs: number[];
  firstSendAt: number;
  lastAnswerAt: number;
  /** Open loop only: events sent later than planned because the in-flight cap was reached. */
  late: number;
  stoppedByDuration: boolean;
}

export interface LoadSpec {
  api: HeraldApi;
  workspace: BenchWorkspace;
  /** Event ids are `${prefix}-${i}`; the same text goes in data.bench, for the receiver. */
  prefix: string;
  count: number;
  durationMs: number;
  onAnswer?: (result: LoadResult) => void;
  /** Open loop only: stop sending once this says so (a side stream that lasts as long as another load). */
  stopWhen?: () => boolean;
}

function emptyResult(): LoadResult {
  return {
    sent: 0,
    accepted: 0,
    errors: {},
    expectedDeliveries: 0,
    sentAt: new Map(),
    ingestMs: [],
    firstSendAt: 0,
    lastAnswerAt: 0,
    late: 0,
    stoppedByDuration: false,
  };
}

async function postOne(spec: LoadSpec, result: LoadResult, i: number): Promise<void> {
  const { api, workspace } = spec;
  const id = `${spec.prefix}-${i}`;
  const sentAt = now();
  if (result.sent === 0) result.firstSendAt = sentAt;
  result.sent++;
  result.sentAt.set(id, sentAt);
  const answer = await api.call<{ data?: { deliveries?: unknown[] } }>('POST', `/workspaces/${workspace.ws}/events`, workspace.key, {
    id,
    type: workspace.eventType,
    data: { bench: id, n: i, note: 'Herald benchmark event' },
  });
  const answeredAt = now();
  result.lastAnswerAt = Math.max(result.lastAnswerAt, answeredAt);
  result.ingestMs.push(answeredAt - sentAt);
  if (answer.status === 202) {
    result.accepted++;
    result.expectedDeliveries += answer.body?.data?.deliveries?.length ?? 0;
  } else {
    countBy(result.errors, answer.status === 0 ? `network:${answer.error ?? 'unknown'}` : String(answer.status));
  }
  spec.onAnswer?.(result);
}

/** `concurrency` clients, each posting its next event as soon as the previous one is answered. */
export async function closedLoop(spec: LoadSpec, concurrency: number): Promise<LoadResult> {
  const result = emptyResult();
  const deadline = now() + spec.durationMs;
  let next = 0;
  const client = async (): Promise<void> => {
    while (next < spec.count) {
      if (now() >= deadline) {
        result.stoppedByDuration = true;
        return;
      }
      await postOne(spec, result, next++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, spec.count) }, client));
  return result;
}

/**
 * Event i is sent at start + i / rate, without waiting for earlier answers; at most `maxInFlight`
 * are outstanding (past that an event waits and counts as late), so a stalled API cannot make
 * the benchmark open unbounded connections.
 */
export async function openLoop(spec: LoadSpec, rate: number, maxInFlight: number): Promise<LoadResult> {
  const result = emptyResult();
  const start = now();
  const deadline = start + spec.durationMs;
  const pending = new Set<Promise<void>>();
  let next = 0;
  while (next < spec.count && !spec.stopWhen?.()) {
    const t = now();
    if (t >= deadline) {
      result.stoppedByDuration = true;
      break;
    }
    const due = Math.min(spec.count, Math.floor(((t - start) / 1000) * rate) + 1);
    while (next < due && pending.size < maxInFlight) {
      if (t - (start + (next / rate) * 1000) > 5) result.late++;
      const request = postOne(spec, result, next++).finally(() => pending.delete(request));
      pending.add(request);
    }
    if (next < due)
      await Promise.race(pending); // at the cap: wait for a free slot
    else await sleep(Math.max(0, start + (next / rate) * 1000 - now()));
  }
  await Promise.all(pending);
  return result;
}
