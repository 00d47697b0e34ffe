// The one in-memory world behind the endpoint-health activities of the workflow tests and of the
// history recorder: fake webhooks, each with its record (the mirror the workflow writes), its
// ordered buffer, its log of every activity call, and holds that stop an activity at an exact
// point until the test releases it; and `EndpointHealthWorld.activities()`, doubles of the real
// activities (of the contract's types) built on the real rules: the attempt judgement
// (attemptOutcome, src/policy/success.ts) and the buffer window (src/policy/endpointHealth.ts).
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { WorkflowClient, WorkflowHandle } from '@temporalio/client';
import { attemptOutcome, type Reply as AnyReply, type WorkflowActivities } from './activities';
import type { DeliveryStatus } from '../../../src/core/domain';
import { resolvePolicy } from '../../../src/policy';
import { bufferUntilMs, NOTIFICATION_PRESET } from '../../../src/policy/endpointHealth';
import type { ResolvedPolicy } from '../../../src/policy/types';
import type { WebhookDeactivation, WebhookDoc } from '../../../src/store/webhooks';
import { deliveryId as deliveryIdOf, healthWorkflowId } from '../../../src/core/ids';
import type { endpointHealthWorkflow } from '../../../workflows/endpointHealth/workflow';
import type { BufferedItem } from '../../../workflows/contracts/endpointHealth';
import type { AttemptInput, AttemptOutcome } from '../../../workflows/contracts/delivery';

export type ActivityName = keyof WorkflowActivities;

export interface ActivityCall<K extends ActivityName = ActivityName> {
  name: K;
  request: Parameters<WorkflowActivities[K]>[0];
  /** Server time at which the workflow scheduled the call; NaN for a local activity (it has only the worker's clock). */
  atMs: number;
  local: boolean;
  workflowId: string;
  runId: string;
}

/** What the receiver does on one attempt: answer with an HTTP status, or something worse. */
export type Reply = AnyReply;
export type ReceiverScript = (attempt: AttemptInput) => Reply;

export interface RecordedAttempt {
  input: AttemptInput;
  local: boolean;
  workflowId: string;
  runId: string;
  /** Places of the attempt's start and end on one logical clock shared by every attempt of the file. */
  startTick: number;
  endTick?: number;
  /** What the webhook's record said when the attempt began: the real activity sends nothing to an inactive webhook. */
  webhookActive: boolean;
  outcome?: AttemptOutcome['outcome'];
}

/** A delivery in the double's store; the buffered ones make up the webhook's buffer. */
export interface StoredDelivery extends BufferedItem {
  status: DeliveryStatus;
  /** The replay that took it out of the buffer. */
  replayClaim?: string;
  /** The policy its attempts are judged by, where it is not the webhook's (a delivery started with a policy of its own). */
  policy?: ResolvedPolicy;
}

/** The health fields of the webhook's record, as the workflow's activities write them. */
export interface WebhookRecord {
  active: boolean;
  deactivatedAtMs?: number;
  reason?: string;
  bufferUntilMs?: number;
  replay?: { total: number; done: number; startedAtMs: number };
}

export interface WebhookOptions {
  /** A fixed id (default: a random one), e.g. for recorded histories. */
  webhookId?: string;
  /** The webhook's name (default: `hooks of <id>`). */
  name?: string;
  /** The record's state when the workflow first starts (default: active). */
  active?: boolean;
  /** The workspace has a notification URL: each notification becomes a delivery of its own. */
  notificationUrl?: boolean;
  historyEventLimit?: number;
  /** The webhook's own buffer window, as PATCH sets it. */
  deactivation?: WebhookDeactivation;
}

interface Hold {
  reached: () => void;
  released: Promise<void>;
  release: () => void;
}

export class FakeWebhook {
  readonly workspaceId = 'ws1';
  readonly webhookId: string;
  readonly name: string;
  readonly workflowId: string;
  readonly notificationEndpointId: string;
  readonly policy: ResolvedPolicy = resolvePolicy({ preset: 'fixed' });
  readonly record: WebhookRecord;
  /** The store's deliveries of this webhook, by delivery id. */
  readonly deliveries = new Map<string, StoredDelivery>();
  /** The deliveries of its notifications to the workspace's notification endpoint. */
  readonly notificationDeliveries = new Map<string, StoredDelivery>();
  readonly calls: ActivityCall[] = [];
  readonly attempts: RecordedAttempt[] = [];
  /** Answers every attempt of the webhook's own deliveries (notification deliveries always get 200). */
  script: ReceiverScript = () => 200;
  /** Real time each attempt of the webhook's own deliveries takes, so that concurrency is observable. */
  attemptDelayMs = 0;
  private readonly holds = new Map<string, Hold>();
  /** The workflow's first run, when the harness started it. */
  firstRunId?: string;

  readonly handle: WorkflowHandle<typeof endpointHealthWorkflow>;

  constructor(
    readonly options: WebhookOptions,
    client: WorkflowClient,
  ) {
    this.webhookId = options.webhookId ?? `wh_${randomUUID().slice(0, 8)}`;
    this.name = options.name ?? `hooks of ${this.webhookId}`;
    this.workflowId = healthWorkflowId(this.workspaceId, this.webhookId);
    this.notificationEndpointId = `${this.webhookId}_notifications`;
    this.record = { active: options.active ?? true };
    this.handle = client.getHandle(this.workflowId);
  }

  callsOf<K extends ActivityName>(name: K): Array<ActivityCall<K>> {
    return this.calls.filter((call): call is ActivityCall<K> => call.name === name);
  }

  /** The webhook's deliveries in `seq` order. */
  inSeqOrder(): StoredDelivery[] {
    return [...this.deliveries.values()].sort((a, b) => a.seq.localeCompare(b.seq));
  }

  withStatus(status: DeliveryStatus): string[] {
    return this.inSeqOrder()
      .filter((d) => d.status === status)
      .map((d) => d.deliveryId);
  }

  attemptsOf(deliveryId: string): RecordedAttempt[] {
    return this.attempts.filter((attempt) => attempt.input.deliveryId === deliveryId);
  }

  /** The webhook's record as the API would load it (what update-with-start seeds a new workflow from). */
  doc(): WebhookDoc {
    const now = new Date();
    return {
      _id: this.webhookId,
      workspaceId: this.workspaceId,
      name: this.name,
      url: 'https://receiver.example/hooks',
      events: ['*'],
      method: 'POST',
      contentType: 'json',
      active: this.record.active,
      retryPolicy: { preset: 'fixed' },
      ...(this.options.deactivation ? { deactivation: this.options.deactivation } : {}),
      ...(this.record.deactivatedAtMs !== undefined ? { deactivatedAt: new Date(this.record.deactivatedAtMs) } : {}),
      ...(this.record.reason !== undefined ? { deactivationReason: this.record.reason } : {}),
      createdAt: now,
      updatedAt: now,
    };
  }

  /**
   * The next call of `activity` (for `deliveryId`, if given) waits, once it has begun, until
   * `release` is called; `reached` resolves when it begins.
   */
  hold(activity: 'markDeactivated' | 'claimBuffered' | 'deliverAttempt', deliveryId?: string): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.set(holdKey(activity, deliveryId), { reached, released, release });
    return { reached: reachedPromise, release };
  }

  /** Lets every held call go on (a test that failed midway must not keep the worker from shutting down). */
  releaseAll(): void {
    for (const hold of this.holds.values()) hold.release();
    this.holds.clear();
  }

  /** @internal the doubles' side of a hold. */
  async waitIfHeld(activity: ActivityName, deliveryId?: string): Promise<void> {
    const key = holdKey(activity, deliveryId);
    const hold = this.holds.get(key);
    if (!hold) return;
    hold.reached();
    await hold.released;
  }
}

export const holdKey = (activity: ActivityName, deliveryId?: string) => (deliveryId ? `${activity} ${deliveryId}` : activity);

/** The fake webhooks of one worker, their stores, and the activity doubles that act on them. */
export class EndpointHealthWorld {
  private readonly webhooks = new Map<string, FakeWebhook>();
  /** Delivery id → the webhook whose store holds it. */
  private readonly owners = new Map<string, FakeWebhook>();
  /** One logical clock for the start and end of every attempt. */
  private tick = 0;

  add(webhook: FakeWebhook): FakeWebhook {
    this.webhooks.set(webhook.webhookId, webhook);
    return webhook;
  }

  all(): FakeWebhook[] {
    return [...this.webhooks.values()];
  }

  /** Puts a delivery in the webhook's store (a `buffered` one joins its buffer, a `pending` one is for a workflow to attempt), as ingest records it. */
  store(webhook: FakeWebhook, delivery: StoredDelivery): void {
    webhook.deliveries.set(delivery.deliveryId, delivery);
    this.owners.set(delivery.deliveryId, webhook);
  }

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

  /** Doubles of the real activities, of the contracts' types; each records its call on the webhook it concerns. */
  activities(): WorkflowActivities {
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
          .map(({ status: _status, replayClaim: _claim, policy: _policy, ...item }) => item);
        return { missing: false, items, policy: webhook.policy, webhookName: webhook.name };
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
          const outcome = attemptOutcome(delivery.policy ?? webhook.policy, reply);
          // Only an answer of the receiver is recorded; the other outcomes leave the record as it was.
          if (typeof reply === 'string') return outcome;
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
