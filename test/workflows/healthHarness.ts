// One time-skipping test server and one worker per test file, running the endpoint-health workflow
// against in-memory doubles of its activities: each webhook gets its own record (the mirror the
// workflow writes), its own ordered buffer and its own log of every activity call. The tests drive
// the workflow through the API's own client functions (src/temporal/endpointHealth.ts: update-with-start,
// signal-with-start), so the messages are the ones production sends.
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { resolvePolicy } from '../../src/policy';
import { bufferUntilMs, heldStatus, NOTIFICATION_PRESET } from '../../src/policy/endpointHealth';
import { deliveryId as deliveryIdOf } from '../../src/core/ids';
import type { TemporalClient } from '../../src/temporal/client';
import * as healthClient from '../../src/temporal/endpointHealth';
import type { endpointHealthWorkflow } from '../../workflows/endpointHealth/workflow';
import { healthQuery, type ActivateRequest, type HealthView } from '../../workflows/contracts/endpointHealth';
import type { AttemptOutcome } from '../../workflows/contracts/delivery';
import { eventually } from '../support/eventually';
import { attemptOutcome, type WorkflowActivities } from '../support/fakes/activities';
import { quietRuntime } from '../support/quietRuntime';
import { createTimeSkippingEnv } from '../support/timeSkipping';
import { handledEverything } from '../support/workflowHistory';
import { FakeWebhook, type ActivityCall, type ActivityName, type RecordedAttempt, type StoredDelivery, type WebhookOptions } from './healthFakes';

// The tests import the fakes' types and classes from here too.
export * from './healthFakes';

/** The real-time waits of these tests (server time is not skipped meanwhile): up to 20 s, tried every 25 ms. */
export const WAIT = { timeoutMs: 20_000, intervalMs: 25 } as const;

/** A health query takes milliseconds; see health() for why it has a deadline at all. */
const QUERY_DEADLINE_MS = 3_000;

export class HealthHarness {
  private running?: Promise<void>;
  private readonly webhooks = new Map<string, FakeWebhook>();
  /** Delivery id → the webhook whose store holds it. */
  private readonly owners = new Map<string, FakeWebhook>();
  private seq = 0;
  private tick = 0;
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
        activities: harness.doubles(),
      });
    } catch (error) {
      await env.teardown();
      throw error;
    }
    harness.running = harness.worker.run();
    return harness;
  }

  async stop(): Promise<void> {
    for (const webhook of this.webhooks.values()) webhook.releaseAll();
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
    this.webhooks.set(webhook.webhookId, webhook);
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
      webhook.deliveries.set(delivery.deliveryId, delivery);
      this.owners.set(delivery.deliveryId, webhook);
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

  // ------------------------------------------------------------ the doubles

  private webhookOf(ref: { webhookId: string }): FakeWebhook {
    const webhook = this.webhooks.get(ref.webhookId);
    if (!webhook) throw new Error(`no webhook ${ref.webhookId}`);
    return webhook;
  }

  private ownerOf(deliveryId: string): FakeWebhook {
    const webhook = this.owners.get(deliveryId);
    if (!webhook) throw new Error(`no delivery ${deliveryId}`);
    return webhook;
  }

  private log<K extends ActivityName>(webhook: FakeWebhook, name: K, request: Parameters<WorkflowActivities[K]>[0]): ActivityCall<K> {
    const info = Context.current().info;
    const call: ActivityCall<K> = {
      name,
      request,
      atMs: info.isLocal ? Number.NaN : info.currentAttemptScheduledTimestampMs,
      local: info.isLocal,
      workflowId: info.workflowExecution?.workflowId ?? '',
      runId: info.workflowExecution?.runId ?? '',
    };
    webhook.calls.push(call);
    return call;
  }

  /** Doubles of the real activities, of the same type; each records its call on the webhook it concerns. */
  private doubles(): WorkflowActivities {
    return {
      markDeactivated: async (request) => {
        const webhook = this.webhookOf(request);
        this.log(webhook, 'markDeactivated', request);
        await webhook.waitIfHeld('markDeactivated');
        // As the real activity computes the window (the workspace sets none here).
        Object.assign(webhook.record, {
          active: false,
          deactivatedAtMs: request.atMs,
          reason: request.reason,
          bufferUntilMs: bufferUntilMs(request.atMs, webhook.options.deactivation, undefined),
          replay: undefined,
        });
      },

      markActivated: async (request) => {
        const webhook = this.webhookOf(request);
        this.log(webhook, 'markActivated', request);
        const buffered = webhook.withStatus('buffered').length;
        Object.assign(webhook.record, {
          active: true,
          deactivatedAtMs: undefined,
          reason: undefined,
          bufferUntilMs: undefined,
          replay: request.replaying ? { total: buffered, done: 0, startedAtMs: request.atMs } : undefined,
        });
        return { buffered };
      },

      recordNotification: async (request) => {
        const webhook = this.webhookOf(request);
        this.log(webhook, 'recordNotification', request);
        if (!webhook.options.notificationUrl) return {};
        const id = deliveryIdOf(request.workspaceId, request.notificationId, webhook.notificationEndpointId);
        const receivedAt = new Date(request.atMs).toISOString();
        const event = { eventId: request.notificationId, eventType: request.type, receivedAt };
        webhook.notificationDeliveries.set(id, { ...event, deliveryId: id, seq: request.notificationId, attemptsMade: 0, lane: 'priority', status: 'pending' });
        this.owners.set(id, webhook);
        const policy = resolvePolicy({ preset: NOTIFICATION_PRESET });
        return { delivery: { ...event, workspaceId: request.workspaceId, deliveryId: id, endpointId: webhook.notificationEndpointId, policy } };
      },

      bufferedPage: async (request) => {
        const webhook = this.webhookOf(request);
        this.log(webhook, 'bufferedPage', request);
        const items = webhook
          .inSeqOrder()
          .filter((d) => d.status === 'buffered' && (request.afterSeq === null || d.seq > request.afterSeq))
          .slice(0, request.limit)
          .map(({ status: _status, replayClaim: _claim, ...item }) => item);
        return { missing: false, items, policy: webhook.policy, webhookName: `hooks of ${webhook.webhookId}` };
      },

      claimBuffered: async (request) => {
        const webhook = this.ownerOf(request.deliveryId);
        this.log(webhook, 'claimBuffered', request);
        await webhook.waitIfHeld('claimBuffered', request.deliveryId);
        // As the store's claimForReplay: from the buffer, or again by the same replay (an activity run twice).
        const delivery = webhook.deliveries.get(request.deliveryId)!;
        const taken = delivery.status === 'buffered' || (delivery.status === 'pending' && delivery.replayClaim === request.claim);
        if (taken) Object.assign(delivery, { status: 'pending', replayClaim: request.claim });
        return taken;
      },

      replayProgress: async (request) => {
        const webhook = this.webhookOf(request);
        this.log(webhook, 'replayProgress', request);
        webhook.record.replay = request.replay ?? undefined;
      },

      discardBuffered: async (request) => {
        const webhook = this.webhookOf(request);
        this.log(webhook, 'discardBuffered', request);
        const ids = webhook.withStatus('buffered').slice(0, request.limit);
        for (const id of ids) webhook.deliveries.get(id)!.status = 'discarded';
        return ids.length;
      },

      deliverAttempt: async (input) => {
        const webhook = this.ownerOf(input.deliveryId);
        const call = this.log(webhook, 'deliverAttempt', input);
        const own = webhook.deliveries.has(input.deliveryId);
        const attempt: RecordedAttempt = {
          input,
          local: call.local,
          workflowId: call.workflowId,
          runId: call.runId,
          startTick: ++this.tick,
          webhookActive: !own || webhook.record.active,
        };
        webhook.attempts.push(attempt);
        const delivery = (webhook.deliveries.get(input.deliveryId) ?? webhook.notificationDeliveries.get(input.deliveryId))!;
        const outcome = await (async (): Promise<AttemptOutcome> => {
          // As the real activity: an inactive webhook gets no request.
          if (!attempt.webhookActive) return { outcome: 'webhook-inactive' };
          await webhook.waitIfHeld('deliverAttempt', input.deliveryId);
          if (own && webhook.attemptDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, webhook.attemptDelayMs));
          const reply = own ? webhook.script(input) : 200;
          const outcome = attemptOutcome(webhook.policy, reply);
          if (typeof reply !== 'number') return outcome;
          // The real activity records the attempt with the state planned for its outcome.
          delivery.attemptsMade = input.attemptNumber;
          delivery.status = outcome.outcome === 'succeeded' ? 'succeeded' : input.onFailure.status;
          return outcome;
        })().finally(() => {
          attempt.endTick = ++this.tick;
        });
        attempt.outcome = outcome.outcome;
        return outcome;
      },

      recordDeliveryStatus: async (update) => {
        const webhook = this.ownerOf(update.deliveryId);
        this.log(webhook, 'recordDeliveryStatus', update);
        (webhook.deliveries.get(update.deliveryId) ?? webhook.notificationDeliveries.get(update.deliveryId))!.status = update.status;
      },
    };
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
