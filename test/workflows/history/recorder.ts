// How record.ts records a run: the activities of the shared in-memory world
// (test/support/fakes/endpointHealthWorld.ts) with scripted replies, starts made as production
// makes them, and the saving of histories. The cases themselves are in record.ts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import * as proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolvePolicy, type RetryPolicyInput } from '../../../src/policy';
import type { ResolvedPolicy } from '../../../src/policy/types';
import type { TemporalDeps } from '../../../src/temporal/client';
import { startDelivery, startEvent } from '../../../src/temporal/starts';
import * as health from '../../../src/temporal/endpointHealth';
import { deliveryId as deliveryIdOf } from '../../../src/core/ids';
import type { Reply as AnyReply, WorkflowActivities } from '../../support/fakes/activities';
import { handledEverything, historyToJson } from '../../support/workflowHistory';
import type { EventInput } from '../../../workflows/contracts/event';
import type { AttemptInput } from '../../../workflows/contracts/delivery';
import { EndpointHealthWorld, FakeWebhook } from '../../support/fakes/endpointHealthWorld';

const { EventType, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;
/** HERALD_HISTORIES_DIR records elsewhere, e.g. to compare a new recording with the fixtures. */
export const OUT_DIR = process.env.HERALD_HISTORIES_DIR ? path.resolve(process.env.HERALD_HISTORIES_DIR) : path.resolve(__dirname, '../../fixtures/histories');
export const TASK_QUEUE = 'record-histories';
const WS = 'ws1';

/**
 * An HTTP status (with the seconds of a Retry-After the real activity read), or an outcome the
 * real activity reports without one. Reply n answers attempt n; the last repeats.
 */
type Reply = Extract<AnyReply, number | { status: number } | 'webhook-inactive' | 'deferred'>;

interface Scripted {
  replies: Reply[];
  /** Reply n answers the n-th call instead: a deferred attempt is called again with the same number. */
  byCall?: { made: number };
}

const scripts = new Map<string, Scripted>();

/** The reply `scripted` gives to this call of deliverAttempt. */
function replyTo(scripted: Scripted, input: AttemptInput): Reply {
  const n = scripted.byCall ? ++scripted.byCall.made : input.attemptNumber;
  return scripted.replies[Math.min(n, scripted.replies.length) - 1];
}

/** Every webhook of the recording, with its deliveries, in the shared in-memory world. */
const world = new EndpointHealthWorld();

/** Doubles of the real activities, of the contracts' types, from the shared world. */
export const doubles: WorkflowActivities = world.activities();

// ---------------------------------------------------------------- recording

export async function save(name: string, handle: WorkflowHandle): Promise<void> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  // A task the server refused because a signal came while the workflow was closing
  // (UNHANDLED_COMMAND) is an ordinary part of a run, and retried by the worker; any other failed
  // task means the workflow code broke, and such a run is not worth keeping.
  const broken = events.find(
    (event) =>
      event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED &&
      event.workflowTaskFailedEventAttributes?.cause !== WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
  );
  if (broken) {
    const attributes = broken.workflowTaskFailedEventAttributes;
    throw new Error(
      `${name}: workflow task ${String(attributes?.scheduledEventId)} failed (${attributes?.failure?.message ?? String(attributes?.cause)}); it is no run to keep`,
    );
  }
  writeFileSync(path.join(OUT_DIR, `${name}.json`), `${JSON.stringify(historyToJson(history), null, 1)}\n`);
  console.log(`${name}.json  ${events.length} events`);
}

/** Saves every run of a workflow that continued as new, as `<name>-run1.json`, `-run2.json`, ... */
export async function saveRuns(name: string, env: TestWorkflowEnvironment, workflowId: string, firstRunId: string): Promise<number> {
  let runId: string | undefined = firstRunId;
  let run = 0;
  while (runId) {
    const handle: WorkflowHandle = env.client.workflow.getHandle(workflowId, runId);
    await save(`${name}-run${++run}`, handle);
    const last = (await handle.fetchHistory()).events?.at(-1);
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return run;
}

/** Polls `probe`, letting `tick` run (server time, skipped) between looks. */
export async function until(what: string, probe: () => Promise<boolean> | boolean, tick: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick();
  }
}

/** The workflow has handled everything that came: its last task completed, no activity or child start outstanding. */
async function idle(handle: WorkflowHandle): Promise<boolean> {
  return handledEverything((await handle.fetchHistory()).events ?? []);
}

export class Recorder {
  constructor(
    readonly env: TestWorkflowEnvironment,
    readonly temporal: TemporalDeps,
  ) {}

  async now(): Promise<string> {
    return new Date(await this.env.currentTimeMs()).toISOString();
  }

  /** An event for webhooks wh1, wh2, ... each answering with its replies; fixed ids from `eventId`. */
  async event(eventId: string, targets: Array<{ policy: RetryPolicyInput; replies: Reply[]; byCall?: boolean }>) {
    const input: EventInput = {
      workspaceId: WS,
      eventId,
      eventType: 'order.paid',
      receivedAt: await this.now(),
      targets: targets.map((target, i) => ({
        deliveryId: `delivery/${WS}/${eventId}/wh${i + 1}`,
        webhookId: `wh${i + 1}`,
        policy: resolvePolicy(target.policy),
        summary: `order.paid → wh${i + 1}`,
      })),
    };
    input.targets.forEach((target, i) => this.pending(target, input, { replies: targets[i].replies, ...(targets[i].byCall ? { byCall: { made: 0 } } : {}) }));
    await startEvent(this.temporal, input, `order.paid ${eventId}`);
    const handle = this.env.client.workflow.getHandle(`event/${WS}/${eventId}`);
    await handle.result();
    return { handle, deliveryIds: input.targets.map((target) => target.deliveryId) };
  }

  /** A delivery workflow of its own, as a manual start makes it; webhook wh1. */
  async delivery(eventId: string, policy: RetryPolicyInput, replies: Reply[], historyEventLimit?: number, byCall = false) {
    const deliveryId = `delivery/${WS}/${eventId}/wh1`;
    const resolved = resolvePolicy(policy);
    const start = {
      workspaceId: WS,
      webhookId: 'wh1',
      eventId,
      eventType: 'order.paid',
      deliveryId,
      receivedAt: await this.now(),
      policy: resolved,
      summary: `order.paid → wh1`,
    };
    this.pending(start, start, { replies, ...(byCall ? { byCall: { made: 0 } } : {}) });
    await startDelivery(this.temporal, start, historyEventLimit ? { historyEventLimit } : {});
    const handle = this.env.client.workflow.getHandle(deliveryId);
    return { handle, deliveryId, firstRunId: (await handle.describe()).runId };
  }

  /** Waits (in real time) for the first attempt, then lets `ms` of server time pass. */
  async intoFirstWait(deliveryId: string, ms: number): Promise<void> {
    await until(
      'the first attempt',
      () => world.all().some((webhook) => webhook.attemptsOf(deliveryId).length > 0),
      () => new Promise((resolve) => setTimeout(resolve, 20)),
    );
    await this.env.sleep(ms);
  }

  /** The world's webhook `webhookId`, added on first use; its deliveries answer from their scripts, its notifications get a 200. */
  private webhookOf(webhookId: string): FakeWebhook {
    const known = world.all().find((webhook) => webhook.webhookId === webhookId);
    if (known) return known;
    const webhook = world.add(new FakeWebhook({ webhookId, name: `orders ${webhookId}`, notificationUrl: true }, this.env.client.workflow));
    webhook.script = (input) => replyTo(scripts.get(input.deliveryId)!, input);
    return webhook;
  }

  /** A delivery the caller starts a workflow for (no health workflow involved): pending in its webhook's store, judged by its own policy. */
  private pending(
    target: { deliveryId: string; webhookId: string; policy: ResolvedPolicy },
    event: { eventId: string; eventType: string; receivedAt: string },
    scripted: Scripted,
  ): void {
    const { deliveryId, webhookId, policy } = target;
    const { eventId, eventType, receivedAt } = event;
    world.store(this.webhookOf(webhookId), {
      deliveryId,
      seq: deliveryId,
      eventId,
      eventType,
      receivedAt,
      attemptsMade: 0,
      lane: 'priority',
      status: 'pending',
      policy,
    });
    scripts.set(deliveryId, scripted);
  }

  /** A webhook with an endpoint-health workflow, started as the API starts it when the webhook is created. */
  async webhook(webhookId: string): Promise<{ webhook: FakeWebhook; handle: WorkflowHandle }> {
    const webhook = this.webhookOf(webhookId);
    await health.startHealth(this.temporal, webhook.doc());
    return { webhook, handle: webhook.handle };
  }

  /** Adds deliveries to the webhook's buffer as ingest records them while it is off; fixed ids. */
  async buffer(webhook: FakeWebhook, replies: Reply[][]): Promise<string[]> {
    const receivedAt = await this.now();
    return replies.map((reply, i) => {
      const eventId = `evt_buffered${i + 1}`;
      const deliveryId = deliveryIdOf(WS, eventId, webhook.webhookId);
      world.store(webhook, {
        deliveryId,
        seq: `d_${String(i + 1).padStart(9, '0')}`,
        eventId,
        eventType: 'order.paid',
        receivedAt,
        attemptsMade: 0,
        lane: 'priority',
        status: 'buffered',
      });
      scripts.set(deliveryId, { replies: reply });
      return deliveryId;
    });
  }

  /** Switched off by the attempt activity's signal, once the workflow has written and notified. */
  async switchedOff(webhook: FakeWebhook, handle: WorkflowHandle): Promise<void> {
    await health.reportFailing(this.temporal, webhook.doc(), '10 consecutive failed attempts over 31 minutes');
    await until(
      'the deactivation',
      async () => !webhook.record.active && (await idle(handle)),
      () => this.env.sleep('1 second'),
    );
  }

  /** The webhook was deleted: the workflow ends, and its history is complete. */
  async deleted(webhookId: string, handle: WorkflowHandle): Promise<void> {
    await until(
      'the workflow to be idle',
      () => idle(handle),
      () => this.env.sleep('1 second'),
    );
    await health.endHealth(this.temporal, WS, webhookId);
    await handle.result();
  }
}
