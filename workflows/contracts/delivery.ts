import { defineQuery, defineSignal } from '@temporalio/workflow';
import { DEFAULT_LANE, type DeliveryStatus, type Lane } from '../../src/core/domain';
import type { ResolvedPolicy } from '../../src/policy/types';
import { deliverySearchAttributes } from './searchAttributes';

/** State carried across continue-as-new and into a manual retry's new run. */
export interface DeliveryState {
  attemptsMade: number;
  lane: Lane;
  /** Epoch ms of the next scheduled attempt, when a run continues-as-new while waiting. */
  nextAttemptAtMs?: number;
  /** Consecutive deferrals of the next attempt so far (see AttemptOutcome `deferred`); absent = 0. */
  deferrals?: number;
}

export interface DeliveryInput {
  workspaceId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  deliveryId: string;
  receivedAt: string; // ISO; maxAgeSeconds counts from here
  policy: ResolvedPolicy;
  /** `single-attempt`: a manual retry of a failed delivery makes exactly one fresh attempt. */
  mode?: 'schedule' | 'single-attempt';
  /**
   * Attempt even past the policy's maximum age: a recovery is a person's explicit decision to
   * resend an expired (or long-dropped) delivery. Absent in every other start.
   */
  ignoreMaxAge?: boolean;
  state?: DeliveryState;
  /** Continue-as-new once the history holds this many events (Temporal also suggests it). */
  historyEventLimit?: number;
}

/** What names a delivery: its event, its webhook and the policy it is attempted under. */
export type DeliveryParts = Pick<DeliveryInput, 'workspaceId' | 'webhookId' | 'eventId' | 'eventType' | 'deliveryId' | 'receivedAt' | 'policy'>;
/** How a run goes on from an earlier one: a manual retry's mode, the carried state, a history limit. */
export type DeliveryRun = Pick<DeliveryInput, 'mode' | 'state' | 'historyEventLimit' | 'ignoreMaxAge'>;

/**
 * A resend: one fresh attempt of a delivery that ended, with its attempt count and lane carried
 * on and the same delivery id (so the same webhook-id header). What a manual retry
 * (src/services/deliveryControl.ts) and a recovery (workflows/recovery.ts) both start.
 */
export function resendRun(delivery: { attemptsMade: number; lane: Lane }, options: { ignoreMaxAge?: boolean } = {}): DeliveryRun {
  return {
    mode: 'single-attempt',
    state: { attemptsMade: delivery.attemptsMade, lane: delivery.lane },
    ...(options.ignoreMaxAge ? { ignoreMaxAge: true } : {}),
  };
}

/** A delivery workflow's input. `parts` may be wider (an event with its target, a start): only the contract's fields are taken. */
export function deliveryInput(parts: DeliveryParts, run: DeliveryRun = {}): DeliveryInput {
  return {
    workspaceId: parts.workspaceId,
    webhookId: parts.webhookId,
    eventId: parts.eventId,
    eventType: parts.eventType,
    deliveryId: parts.deliveryId,
    receivedAt: parts.receivedAt,
    policy: parts.policy,
    ...run,
  };
}

/** A delivery starts in the priority lane; only the schedule moves it to the slow one. */
export function laneOf(delivery: DeliveryInput): Lane {
  return delivery.state?.lane ?? DEFAULT_LANE;
}

/** What every start of a delivery's workflow carries, whoever starts it: its id, the Web UI memo, the search attributes. */
export function deliveryStartOptions(input: DeliveryInput, summary: string) {
  return {
    workflowId: input.deliveryId,
    memo: { summary, lane: laneOf(input) },
    typedSearchAttributes: deliverySearchAttributes(input.workspaceId, input.webhookId, input.eventType, 'pending'),
  };
}

export interface DeliveryStatusView {
  status: DeliveryStatus;
  lane: Lane;
  attemptsMade: number;
  nextAttemptAt: string | null;
}

/** Make the next attempt now instead of at its scheduled time. */
export const retryNowSignal = defineSignal('retryNow');
/** Stop retrying; the delivery ends `cancelled`. */
export const cancelSignal = defineSignal('cancel');
export const statusQuery = defineQuery<DeliveryStatusView>('status');

/** Where a delivery stands once another workflow made its attempt: its end state, or `retrying` in its own workflow. */
export type HandOverResult = DeliveryStatus | 'retrying';

/** What the attempt activity stores if the attempt fails, as the workflow planned it before the attempt. */
export interface FailureRecord {
  status: DeliveryStatus;
  lane: Lane;
  nextAttemptAt: string | null;
}

export interface AttemptInput {
  deliveryId: string;
  workspaceId: string;
  webhookId: string;
  eventId: string;
  attemptNumber: number;
  timeoutMs: number;
  lane: Lane;
  onFailure: FailureRecord;
  /** Consecutive deferrals of this attempt so far; the activity records how long the next one may wait. Absent = 0. */
  deferrals?: number;
  /**
   * An earlier workflow task may have made this very attempt (it timed out after starting the
   * local activity, and its result was never recorded in the history): the activity reads the
   * delivery's record first and answers with the attempt it finds there instead of sending it
   * again. Absent on the event workflow's first task, where nothing can have run before.
   */
  checkRecorded?: boolean;
}

export type AttemptOutcome =
  | { outcome: 'succeeded'; statusCode: number }
  /** `retryAfterSeconds`: a 429 or 503 said when to come back (see src/policy/retryAfter.ts). */
  | { outcome: 'failed'; statusCode?: number; errorKind?: string; retryAfterSeconds?: number }
  | { outcome: 'webhook-missing' }
  | { outcome: 'webhook-inactive' }
  /** The record stopped being pending while the attempt ran (cancelled through the API): the attempt is kept, the status too. */
  | { outcome: 'cancelled' }
  /**
   * Not made: the webhook already had its cap of attempts in flight on this worker. Nothing was
   * sent or recorded and the attempt is not counted; the workflow tries again after a wait.
   * `retryInMs`: when the worker expects a place to be free for it (absent in older histories).
   */
  | { outcome: 'deferred'; retryInMs?: number };

export interface StatusUpdate {
  deliveryId: string;
  status: DeliveryStatus;
  lane: Lane;
  nextAttemptAt: string | null;
}
