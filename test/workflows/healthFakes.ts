// The in-memory world of the endpoint-health workflow tests: a fake webhook with its record (the
// mirror the workflow writes), its ordered buffer, its log of every activity call, and holds that
// stop an activity at an exact point until the test releases it.
import { randomUUID } from 'node:crypto';
import type { WorkflowClient, WorkflowHandle } from '@temporalio/client';
import type { Reply as AnyReply, WorkflowActivities } from '../support/fakes/activities';
import type { DeliveryStatus } from '../../src/core/domain';
import { resolvePolicy } from '../../src/policy';
import type { ResolvedPolicy } from '../../src/policy/types';
import type { WebhookDeactivation, WebhookDoc } from '../../src/store/webhooks';
import { healthWorkflowId } from '../../src/core/ids';
import type { endpointHealthWorkflow } from '../../workflows/endpointHealth/workflow';
import type { BufferedItem } from '../../workflows/contracts/endpointHealth';
import type { AttemptInput, AttemptOutcome } from '../../workflows/contracts/delivery';

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
export type Reply = Extract<AnyReply, number | 'webhook-missing' | 'cancelled' | 'activity-throws'>;
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
  readonly webhookId = `wh_${randomUUID().slice(0, 8)}`;
  readonly workflowId = healthWorkflowId(this.workspaceId, this.webhookId);
  readonly notificationEndpointId = `${this.webhookId}_notifications`;
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
      name: `hooks of ${this.webhookId}`,
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
