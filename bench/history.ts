// Temporal history events per first-try successful delivery. A dedicated workspace gets a small
// sample of events with one webhook answering 200; once they have arrived, every workflow
// execution Temporal lists for that workspace (visibility query on HeraldWorkspace, whatever
// their number or kind per event) has its history fetched, and the events are summed.
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { HeraldApi } from './api';
import type { BenchContext } from './context';
import { closedLoop } from './load';
import { trackedBar } from './progress';
import { countBy, round, sleep, waitUntil } from './util';
import { createBenchWorkspace } from './workspace';

export interface HistoryResult {
  events: number;
  deliveries: number;
  /** Deliveries that needed more than one attempt (should be 0: the receiver answers 200). */
  retried: number;
  workflowExecutions: number;
  stillRunning: number;
  historyEvents: number;
  historyEventsPerDelivery: number;
  workflowExecutionsPerEvent: number;
  /** History event types summed over the sample, most frequent first. */
  eventTypes: Record<string, number>;
}

const MAX_EXECUTIONS = 2000;

export async function historyPerDelivery(ctx: BenchContext, temporalAddress: string): Promise<HistoryResult> {
  const { stack, receiver, options } = ctx;
  const api = new HeraldApi(stack.apiUrl, 4);
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const workspace = await createBenchWorkspace(api, stack.adminKey, receiver, { channel: 'history', fanout: 1 });
    const channel = receiver.channel('history');
    const bar = trackedBar('history sample', options.historySample, 'deliveries');
    const load = await closedLoop({ api, workspace, prefix: 'history', count: options.historySample, durationMs: options.duration * 1000 }, 4);
    await waitUntil(() => channel.first.size >= load.expectedDeliveries, options.drainTimeout * 1000, 100, stack.assertAlive);

    // Histories are complete once the executions have closed; visibility trails a little.
    const query = `HeraldWorkspace = "${workspace.ws}"`;
    const count = async (q: string) => (await client.workflow.count(q)).count;
    await waitUntil(async () => (await count(query)) > 0 && (await count(`${query} AND ExecutionStatus = "Running"`)) === 0, 30_000, 250, stack.assertAlive);
    await sleep(500);

    const executions: Array<{ workflowId: string; runId: string; status: string }> = [];
    for await (const execution of client.workflow.list({ query })) {
      executions.push({ workflowId: execution.workflowId, runId: execution.runId, status: execution.status.name });
      if (executions.length >= MAX_EXECUTIONS) break;
    }
    let historyEvents = 0;
    const eventTypes: Record<string, number> = {};
    for (const [i, execution] of executions.entries()) {
      const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      for (const event of history.events ?? []) {
        historyEvents++;
        const type = event.eventType ?? 0;
        countBy(eventTypes, (temporal.api.enums.v1.EventType[type] ?? String(type)).replace(/^EVENT_TYPE_/, ''));
      }
      bar.update(Math.min(options.historySample, Math.round(((i + 1) / executions.length) * options.historySample)), `${executions.length} executions`);
    }
    bar.stop();
    const deliveries = channel.first.size;
    const sorted = Object.fromEntries(Object.entries(eventTypes).sort((a, b) => b[1] - a[1]));
    return {
      events: load.accepted,
      deliveries,
      retried: channel.repeats,
      workflowExecutions: executions.length,
      stillRunning: executions.filter((e) => e.status === 'RUNNING').length,
      historyEvents,
      historyEventsPerDelivery: deliveries > 0 ? round(historyEvents / deliveries, 2) : Number.NaN,
      workflowExecutionsPerEvent: load.accepted > 0 ? round(executions.length / load.accepted, 2) : Number.NaN,
      eventTypes: sorted,
    };
  } finally {
    await connection.close();
    await api.close();
  }
}
