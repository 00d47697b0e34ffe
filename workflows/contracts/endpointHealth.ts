// The endpoint-health workflow's inputs, state and messages, shared with the API and activities.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Lane } from '../../src/core/domain';
import type { NotificationType } from '../../src/core/domain';
import type { ResolvedPolicy } from '../../src/policy/types';

export interface ReplayState {
  /** How many buffered deliveries may be in their first attempt at once. */
  concurrency: number;
  /** The last delivery (by `seq`) whose attempt has ended: a new run goes on after it. */
  afterSeq: string | null;
  total: number;
  done: number;
  startedAtMs: number;
  /** The mirror says the replay ended; a last look for stragglers is under way. */
  draining?: boolean;
}

/** Plain data, carried across continue-as-new. */
export interface HealthState {
  active: boolean;
  deactivatedAtMs?: number;
  reason?: string;
  replay?: ReplayState;
  /** `activate {replayEvents: false}`: the buffer is being marked `discarded`. */
  discarding?: boolean;
}

export interface HealthInput {
  workspaceId: string;
  webhookId: string;
  /** The webhook's state as its record showed it when the workflow first started. */
  state: HealthState;
  /** Continue-as-new once the history holds this many events (Temporal also suggests it). */
  historyEventLimit?: number;
}

/** What the REST calls answer with, and the `health` query. */
export interface HealthView {
  active: boolean;
  deactivatedAt: string | null;
  reason: string | null;
  replay: { total: number; done: number } | null;
}

export interface DeactivateRequest {
  reason: string;
}

export interface ActivateRequest {
  replayEvents: boolean;
  replayConcurrency?: number;
}

/** Sent by the attempt activity when a failure crosses the threshold or the endpoint answered 410. */
export interface FailingSignal {
  reason: string;
}

export const deactivateUpdate = defineUpdate<HealthView, [DeactivateRequest]>('deactivate');
export const activateUpdate = defineUpdate<HealthView, [ActivateRequest]>('activate');
export const failingSignal = defineSignal<[FailingSignal]>('failing');
/**
 * From the reconciler: the webhook is active but deliveries of it are still `buffered` (recorded by
 * an ingest just as a replay ended). An active webhook that is not replaying replays them; else nothing.
 */
export const replayBufferedSignal = defineSignal('replayBuffered');
/** The webhook was deleted: the workflow ends. */
export const deletedSignal = defineSignal('deleted');
export const healthQuery = defineQuery<HealthView>('health');

// ---------------------------------------------------------------- activities' messages

export interface WebhookRef {
  workspaceId: string;
  webhookId: string;
}

export interface NotifyRequest extends WebhookRef {
  notificationId: string;
  type: NotificationType;
  reason: string;
  atMs: number;
}

/** A notification to deliver to the workspace's notification URL, as an event with one target. */
export interface NotificationDelivery {
  workspaceId: string;
  eventId: string;
  eventType: string;
  receivedAt: string;
  deliveryId: string;
  endpointId: string;
  policy: ResolvedPolicy;
}

export interface BufferedItem {
  deliveryId: string;
  seq: string;
  eventId: string;
  eventType: string;
  receivedAt: string;
  attemptsMade: number;
  lane: Lane;
}

export interface MarkDeactivatedRequest extends WebhookRef {
  atMs: number;
  reason: string;
}

export interface MarkActivatedRequest extends WebhookRef {
  replaying: boolean;
  atMs: number;
}

export interface BufferedPageRequest extends WebhookRef {
  afterSeq: string | null;
  limit: number;
}

export interface ClaimRequest {
  deliveryId: string;
  claim: string;
}

export interface ReplayProgressRequest extends WebhookRef {
  replay: { total: number; done: number; startedAtMs: number } | null;
}

export interface DiscardRequest extends WebhookRef {
  limit: number;
}

export type BufferedPage = { missing: true } | { missing: false; items: BufferedItem[]; policy: ResolvedPolicy; webhookName: string };
