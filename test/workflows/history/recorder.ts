// How record.ts records a run: scripted doubles of the activities (of the contract's type, with
// the shared attempt judgement), starts made as production makes them, and the saving of
// histories. The cases themselves are in record.ts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import * as proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolvePolicy, type RetryPolicyInput } from '../../../src/policy';
import { NOTIFICATION_PRESET } from '../../../src/policy/endpointHealth';
import type { ResolvedPolicy } from '../../../src/policy/types';
import type { WebhookDoc } from '../../../src/store/webhooks';
import type { TemporalDeps } from '../../../src/temporal/client';
import { startDelivery, startEvent } from '../../../src/temporal/starts';
import * as health from '../../../src/temporal/endpointHealth';
import { healthWorkflowId } from '../../../src/core/ids';
import { attemptOutcome, type Reply as AnyReply, type WorkflowActivities } from '../../support/fakes/activities';
import { handledEverything, historyToJson } from '../../support/workflowHistory';
import type { EventInput } from '../../../workflows/contracts/event';
import type { BufferedItem } from '../../../workflows/contracts/endpointHealth';

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
  policy: ResolvedPolicy;
  /** Reply n answers the n-th call instead: a deferred attempt is called again with the same number. */
  byCall?: { made: number };
}

/** A webhook as the health doubles see it: its active flag and its buffer, in order. */
interface FakeWebhook {
  doc: WebhookDoc;
  buffer: Array<BufferedItem & { status: string }>;
}

const scripts = new Map<string, Scripted>();
const webhooks = new Map<string, FakeWebhook>();
const attemptsMade = new Map<string, number>();

function webhookOf(webhookId: string): FakeWebhook {
  const webhook = webhooks.get(webhookId);
  if (!webhook) throw new Error(`no webhook ${webhookId}`);
  return webhook;
}

/** Minimal doubles of the real activities, of the same type; a delivery nobody scripted (a notification) gets a 200. */
export const doubles: WorkflowActivities = {
  async deliverAttempt(input) {
    attemptsMade.set(input.deliveryId, input.attemptNumber);
    const webhook = webhooks.get(input.webhookId);
    if (webhook && !webhook.doc.active) return { outcome: 'webhook-inactive' };
    const scripted = scripts.get(input.deliveryId);
    if (!scripted) return { outcome: 'succeeded', statusCode: 200 };
    const n = scripted.byCall ? ++scripted.byCall.made : input.attemptNumber;
    const reply = scripted.replies[Math.min(n, scripted.replies.length) - 1];
    return attemptOutcome(scripted.policy, reply);
  },
  async recordDeliveryStatus() {},
  async markDeactivated(request) {
    webhookOf(request.webhookId).doc.active = false;
  },
  async markActivated(request) {
    const webhook = webhookOf(request.webhookId);
    webhook.doc.active = true;
    return { buffered: webhook.buffer.filter((item) => item.status === 'buffered').length };
  },
  async recordNotification(request) {
    const endpointId = `${request.webhookId}_notifications`;
    return {
      delivery: {
        workspaceId: request.workspaceId,
        eventId: request.notificationId,
        eventType: request.type,
        receivedAt: new Date(request.atMs).toISOString(),
        deliveryId: `delivery/${request.workspaceId}/${request.notificationId}/${endpointId}`,
        endpointId,
        policy: resolvePolicy({ preset: NOTIFICATION_PRESET }),
      },
    };
  },
  async bufferedPage(request) {
    const webhook = webhookOf(request.webhookId);
    const items = webhook.buffer
      .filter((item) => item.status === 'buffered' && (request.afterSeq === null || item.seq > request.afterSeq))
      .slice(0, request.limit)
      .map(({ status: _status, ...item }) => item);
    return { missing: false, items, policy: resolvePolicy(webhook.doc.retryPolicy), webhookName: webhook.doc.name };
  },
  async claimBuffered(request) {
    for (const webhook of webhooks.values()) {
      const item = webhook.buffer.find((candidate) => candidate.deliveryId === request.deliveryId);
      if (item?.status === 'buffered') item.status = 'pending';
      if (item) return item.status === 'pending';
    }
    return false;
  },
  async replayProgress() {},
  async discardBuffered(request) {
    const items = webhookOf(request.webhookId)
      .buffer.filter((item) => item.status === 'buffered')
      .slice(0, request.limit);
    for (const item of items) item.status = 'discarded';
    return items.length;
  },
};

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
    input.targets.forEach((target, i) =>
      scripts.set(target.deliveryId, { replies: targets[i].replies, policy: target.policy, ...(targets[i].byCall ? { byCall: { made: 0 } } : {}) }),
    );
    await startEvent(this.temporal, input, `order.paid ${eventId}`);
    const handle = this.env.client.workflow.getHandle(`event/${WS}/${eventId}`);
    await handle.result();
    return { handle, deliveryIds: input.targets.map((target) => target.deliveryId) };
  }

  /** A delivery workflow of its own, as a manual start makes it; webhook wh1. */
  async delivery(eventId: string, policy: RetryPolicyInput, replies: Reply[], historyEventLimit?: number, byCall = false) {
    const deliveryId = `delivery/${WS}/${eventId}/wh1`;
    const resolved = resolvePolicy(policy);
    scripts.set(deliveryId, { replies, policy: resolved, ...(byCall ? { byCall: { made: 0 } } : {}) });
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
    await startDelivery(this.temporal, start, historyEventLimit ? { historyEventLimit } : {});
    const handle = this.env.client.workflow.getHandle(deliveryId);
    return { handle, deliveryId, firstRunId: (await handle.describe()).runId };
  }

  /** Waits (in real time) for the first attempt, then lets `ms` of server time pass. */
  async intoFirstWait(deliveryId: string, ms: number): Promise<void> {
    await until(
      'the first attempt',
      () => attemptsMade.has(deliveryId),
      () => new Promise((resolve) => setTimeout(resolve, 20)),
    );
    await this.env.sleep(ms);
  }

  /** A webhook with an endpoint-health workflow, started as the API starts it when the webhook is created. */
  async webhook(webhookId: string): Promise<{ webhook: FakeWebhook; handle: WorkflowHandle }> {
    const now = new Date(await this.env.currentTimeMs());
    const doc: WebhookDoc = {
      _id: webhookId,
      workspaceId: WS,
      name: `orders ${webhookId}`,
      url: 'https://receiver.example/hooks',
      events: ['*'],
      method: 'POST',
      contentType: 'json',
      active: true,
      retryPolicy: { preset: 'fixed' },
      createdAt: now,
      updatedAt: now,
    };
    const webhook: FakeWebhook = { doc, buffer: [] };
    webhooks.set(webhookId, webhook);
    await health.startHealth(this.temporal, doc);
    return { webhook, handle: this.env.client.workflow.getHandle(healthWorkflowId(WS, webhookId)) };
  }

  /** Adds deliveries to the webhook's buffer as ingest records them while it is off; fixed ids. */
  async buffer(webhook: FakeWebhook, replies: Reply[][]): Promise<string[]> {
    const receivedAt = await this.now();
    return replies.map((reply, i) => {
      const eventId = `evt_buffered${i + 1}`;
      const deliveryId = `delivery/${WS}/${eventId}/${webhook.doc._id}`;
      webhook.buffer.push({
        deliveryId,
        seq: `d_${String(i + 1).padStart(9, '0')}`,
        eventId,
        eventType: 'order.paid',
        receivedAt,
        attemptsMade: 0,
        lane: 'priority',
        status: 'buffered',
      });
      scripts.set(deliveryId, { replies: reply, policy: resolvePolicy(webhook.doc.retryPolicy) });
      return deliveryId;
    });
  }

  /** Switched off by the attempt activity's signal, once the workflow has written and notified. */
  async switchedOff(webhook: FakeWebhook, handle: WorkflowHandle): Promise<void> {
    await health.reportFailing(this.temporal, webhook.doc, '10 consecutive failed attempts over 31 minutes');
    await until(
      'the deactivation',
      async () => !webhook.doc.active && (await idle(handle)),
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
