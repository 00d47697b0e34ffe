// One time-skipping test server and one worker per test file, running the endpoint-health workflow
// against the shared in-memory world of its activities (test/support/fakes/endpointHealthWorld.ts):
// each webhook gets its own record (the mirror the workflow writes), its own ordered buffer and its
// own log of every activity call. The tests drive
// the workflow through the API's own client functions (src/temporal/endpointHealth.ts: update-with-start,
// signal-with-start), so the messages are the ones production sends.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { heldStatus } from '../../src/policy/endpointHealth';
import { deliveryId as deliveryIdOf } from '../../src/core/ids';
import type { TemporalClient } from '../../src/temporal/client';
import * as healthClient from '../../src/temporal/endpointHealth';
import type { endpointHealthWorkflow } from '../../workflows/endpointHealth/workflow';
import { healthQuery, type ActivateRequest, type HealthView } from '../../workflows/contracts/endpointHealth';
import { eventually } from '../support/eventually';
import { EndpointHealthWorld, FakeWebhook, type RecordedAttempt, type StoredDelivery, type WebhookOptions } from '../support/fakes/endpointHealthWorld';
import { quietRuntime } from '../support/quietRuntime';
import { createTimeSkippingEnv } from '../support/timeSkipping';
import { handledEverything } from '../support/workflowHistory';

// The tests import the fakes' types and classes from here too.
export * from '../support/fakes/endpointHealthWorld';

/** The real-time waits of these tests (server time is not skipped meanwhile): up to 20 s, tried every 25 ms. */
export const WAIT = { timeoutMs: 20_000, intervalMs: 25 } as const;

/** A health query takes milliseconds; see health() for why it has a deadline at all. */
const QUERY_DEADLINE_MS = 3_000;

export class HealthHarness {
  private running?: Promise<void>;
  /** The webhooks' records and stores, and the activity doubles the worker runs. */
  private readonly world = new EndpointHealthWorld();
  private seq = 0;
  private worker?: Worker;

  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly taskQueue: string,
  ) {}

  static async start(): Promise<HealthHarness> {
    quietRuntime('ERROR');
    const env = await createTimeSkippingEnv();
    const harness = new HealthHarness(env, `health-test-${randomUUID()}`);
    try {
      harness.worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: harness.taskQueue,
        workflowsPath: require.resolve('../../workflows'),
        activities: harness.world.activities(),
      });
    } catch (error) {
      await env.teardown();
      throw error;
    }
    harness.running = harness.worker.run();
    return harness;
  }

  async stop(): Promise<void> {
    for (const webhook of this.world.all()) webhook.releaseAll();
    this.worker?.shutdown();
    await this.running;
    await this.env.teardown();
  }

  private get client(): TemporalClient {
    return { client: this.env.client, taskQueue: this.taskQueue };
  }

  /**
   * A webhook whose health workflow runs, started as the API starts it when the webhook is created;
   * with `started: false` the first message starts it (update- or signal-with-start).
   */
  async webhook(options: WebhookOptions = {}, started = true): Promise<FakeWebhook> {
    const webhook = new FakeWebhook(options, this.env.client.workflow);
    if (options.active === false) {
      webhook.record.deactivatedAtMs = await this.env.currentTimeMs();
      webhook.record.reason = 'created inactive';
    }
    this.world.add(webhook);
    if (!started) return webhook;
    const doc = webhook.doc();
    const handle = await this.env.client.workflow.start<typeof endpointHealthWorkflow>('endpointHealthWorkflow', {
      workflowId: webhook.workflowId,
      taskQueue: this.taskQueue,
      args: [
        {
          workspaceId: doc.workspaceId,
          webhookId: doc._id,
          state: healthClient.recordedHealth(doc),
          ...(options.historyEventLimit !== undefined ? { historyEventLimit: options.historyEventLimit } : {}),
        },
      ],
    });
    webhook.firstRunId = handle.firstExecutionRunId;
    return webhook;
  }

  /** Adds `count` deliveries to the webhook's buffer, after those already there, as ingest records them for an inactive webhook. */
  async buffer(webhook: FakeWebhook, count: number, extra: { attemptsMade?: number } = {}): Promise<StoredDelivery[]> {
    const receivedAt = new Date(await this.env.currentTimeMs()).toISOString();
    const added: StoredDelivery[] = [];
    for (let i = 0; i < count; i++) {
      const n = ++this.seq;
      const eventId = `evt_${String(n).padStart(6, '0')}`;
      const delivery: StoredDelivery = {
        deliveryId: deliveryIdOf(webhook.workspaceId, eventId, webhook.webhookId),
        seq: `d_${String(n).padStart(9, '0')}`,
        eventId,
        eventType: 'order.paid',
        receivedAt,
        attemptsMade: extra.attemptsMade ?? 0,
        lane: 'priority',
        status: 'buffered',
      };
      this.world.store(webhook, delivery);
      added.push(delivery);
    }
    return added;
  }

  /**
   * A new event for an inactive webhook, decided as ingest decides it (src/services/ingest.ts, from the
   * record's window and the server's clock): `buffered` ones join the buffer.
   */
  async ingest(webhook: FakeWebhook): Promise<'buffered' | 'dropped'> {
    if (webhook.record.active) throw new Error('ingest() is for an inactive webhook');
    const status = heldStatus(webhook.record.bufferUntilMs, await this.env.currentTimeMs());
    if (status === 'buffered') await this.buffer(webhook, 1);
    return status;
  }

  // ------------------------------------------------------------ messages, as the API and the attempt activity send them

  activate(webhook: FakeWebhook, request: ActivateRequest): Promise<HealthView> {
    return healthClient.requestActivation(this.client, webhook.doc(), request);
  }

  deactivate(webhook: FakeWebhook, reason: string): Promise<HealthView> {
    return healthClient.requestDeactivation(this.client, webhook.doc(), reason);
  }

  failing(webhook: FakeWebhook, reason: string): Promise<void> {
    return healthClient.reportFailing(this.client, webhook.doc(), reason);
  }

  deleted(webhook: FakeWebhook): Promise<void> {
    return healthClient.endHealth(this.client, webhook.workspaceId, webhook.webhookId);
  }

  /**
   * The health query, given up after a few seconds: on the time-skipping test server a query that
   * reaches the workflow just as it continues as new is never answered (seen: a replay test hung
   * on one such query until jest's timeout, in about half the runs). A query that times out
   * throws, and `eventually` asks again, reaching the new run.
   */
  health(webhook: FakeWebhook): Promise<HealthView> {
    return this.env.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => webhook.handle.query(healthQuery));
  }

  /**
   * Waits until the workflow's replay has ended, reporting each `replay` the health query shows
   * meanwhile. Once the mirror says the replay is over, the workflow's last look for stragglers
   * waits on a timer; that pause is skipped in server time (nothing else is under way then).
   */
  async replayEnded(webhook: FakeWebhook, seen?: (replay: NonNullable<HealthView['replay']>) => void): Promise<void> {
    await eventually(
      async () => {
        const { replay } = await this.health(webhook);
        if (replay === null) return true;
        seen?.(replay);
        if (webhook.record.replay === undefined) await this.env.sleep('1 second');
        return false;
      },
      { ...WAIT, what: 'the replay to end' },
    );
  }

  /**
   * True when the workflow's current run has handled everything that arrived for it: its last
   * workflow task is completed and nothing has come since. Unless `activitiesUnderWay`, also no
   * activity or child start is outstanding: it waits for something from outside, or a timer.
   */
  async idle(webhook: FakeWebhook, options: { activitiesUnderWay?: boolean } = {}): Promise<boolean> {
    return handledEverything((await webhook.handle.fetchHistory()).events ?? [], options);
  }
}

/** The largest number of attempts in flight at once, from their start and end ticks. */
export function maxInFlight(attempts: RecordedAttempt[]): number {
  const edges = attempts.flatMap((a) => [
    { tick: a.startTick, delta: 1 },
    { tick: a.endTick ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]);
  let inFlight = 0;
  let max = 0;
  for (const edge of edges.sort((a, b) => a.tick - b.tick)) {
    inFlight += edge.delta;
    max = Math.max(max, inFlight);
  }
  return max;
}
