// Records the histories of real runs of Herald's workflows, for test/workflows/replay.test.ts to
// replay against the current workflow code. Each case runs the real workflows (workflows/) on
// the time-skipping test server pinned in .tools/, with scripted doubles of the activities, and
// is started as production starts it (src/temporal/client.ts, src/temporal/health.ts).
//
//   npx tsx scripts/record-histories.ts          (npm run fixtures:histories)
//
// Only for a workflow change that is meant to alter new runs and is patched: keep the old
// fixtures (renamed *-v1.json) so that histories of runs started before it keep replaying.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import * as proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { HealthWorkflowActivities } from '../activities';
import { resolvePolicy, type RetryPolicyInput } from '../src/policy';
import { NOTIFICATION_PRESET } from '../src/policy/health';
import { isSuccessStatus } from '../src/policy/success';
import type { ResolvedPolicy } from '../src/policy/types';
import type { WebhookDoc } from '../src/store/webhooks';
import { startDelivery, startEvent, type TemporalDeps } from '../src/temporal/client';
import * as health from '../src/temporal/health';
import { healthWorkflowId } from '../src/temporal/ids';
import { createTimeSkippingEnv } from '../test/support/timeSkipping';
import { handledEverything, historyToJson } from '../test/support/workflowHistory';
import { cancelSignal, retryNowSignal } from '../workflows/delivery';
import type { AttemptOutcome } from '../workflows/deliveryTypes';
import type { EventInput } from '../workflows/event';
import { healthQuery, type BufferedItem } from '../workflows/healthTypes';

const { EventType } = proto.temporal.api.enums.v1;
const OUT_DIR = path.resolve(__dirname, '../test/fixtures/histories');
const TASK_QUEUE = 'record-histories';
const WS = 'ws1';

/**
 * An HTTP status (with the seconds of a Retry-After the real activity read), or an outcome the
 * real activity reports without one. Reply n answers attempt n; the last repeats.
 */
type Reply = number | { status: number; retryAfterSeconds: number } | 'webhook-inactive' | 'deferred';

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
const doubles: HealthWorkflowActivities = {
  async deliverAttempt(input): Promise<AttemptOutcome> {
    attemptsMade.set(input.deliveryId, input.attemptNumber);
    const webhook = webhooks.get(input.webhookId);
    if (webhook && !webhook.doc.active) return { outcome: 'webhook-inactive' };
    const scripted = scripts.get(input.deliveryId);
    if (!scripted) return { outcome: 'succeeded', statusCode: 200 };
    const n = scripted.byCall ? ++scripted.byCall.made : input.attemptNumber;
    const reply = scripted.replies[Math.min(n, scripted.replies.length) - 1];
    if (typeof reply === 'string') return { outcome: reply };
    const [statusCode, retryAfter] = typeof reply === 'number' ? [reply, {}] : [reply.status, { retryAfterSeconds: reply.retryAfterSeconds }];
    return isSuccessStatus(scripted.policy, statusCode)
      ? { outcome: 'succeeded', statusCode }
      : { outcome: 'failed', statusCode, errorKind: 'status', ...retryAfter };
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

async function save(name: string, handle: WorkflowHandle): Promise<void> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  if (events.some((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)) {
    throw new Error(`${name}: the history holds a failed workflow task; it is no run to keep`);
  }
  writeFileSync(path.join(OUT_DIR, `${name}.json`), `${JSON.stringify(historyToJson(history), null, 1)}\n`);
  console.log(`${name}.json  ${events.length} events`);
}

/** Saves every run of a workflow that continued as new, as `<name>-run1.json`, `-run2.json`, ... */
async function saveRuns(name: string, env: TestWorkflowEnvironment, workflowId: string, firstRunId: string): Promise<number> {
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
async function until(what: string, probe: () => Promise<boolean> | boolean, tick: () => Promise<void>): Promise<void> {
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

class Recorder {
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
    await health.activate(r.temporal, webhook.doc, { replayEvents: true });
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
    await health.activate(r.temporal, webhook.doc, { replayEvents: false });
    await until(
      'the discard',
      () => webhook.buffer.every((item) => item.status === 'discarded'),
      () => r.env.sleep('1 second'),
    );
    await r.deleted('wh_discard', handle);
    await save('health-discard', handle);
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
  Runtime.install({ logger: new DefaultLogger(process.env.HERALD_TEST_LOGS === '1' ? 'INFO' : 'ERROR') });
  mkdirSync(OUT_DIR, { recursive: true });
  const env = await createTimeSkippingEnv();
  try {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('../workflows'),
      activities: doubles,
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
