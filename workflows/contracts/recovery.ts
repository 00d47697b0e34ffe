// The recovery workflow's input, progress and activities' messages, shared with the API and the
// activities. A recovery resends one webhook's deliveries that ended failed, expired, dropped or
// discarded in a time range, one after the other, in their events' order.
import type { Lane, RecoverableStatus } from '../../src/core/domain';
import type { ResolvedPolicy } from '../../src/policy/types';

/** The last delivery a recovery has dealt with, in (createdAt, id) order: the next page starts after it. */
export interface RecoveryCursor {
  createdAtMs: number;
  deliveryId: string;
}

/** Plain data, carried across continue-as-new. */
export interface RecoveryProgress {
  /** Counted as the recovery began; null before. */
  matched: number | null;
  resent: number;
  skipped: number;
  succeeded: number;
  after: RecoveryCursor | null;
}

/** What names a recovery and its deliveries. */
export interface RecoveryScope {
  workspaceId: string;
  webhookId: string;
  recoveryId: string;
  sinceMs: number;
  untilMs: number;
  statuses: RecoverableStatus[];
}

export interface RecoveryInput extends RecoveryScope {
  /** When the API accepted it: the record's createdAt, whoever writes the record first. */
  createdAtMs: number;
  /** Absent on the first run. */
  progress?: RecoveryProgress;
  /** Deliveries read per page (tests make it small). */
  pageSize?: number;
  /** Continue-as-new once the history holds this many events (Temporal also suggests it). */
  historyEventLimit?: number;
}

export interface RecoveryResult {
  state: 'completed' | 'failed';
  matched: number | null;
  resent: number;
  skipped: number;
  succeeded: number;
  error?: string;
}

// ---------------------------------------------------------------- activities' messages

export type BeginRecoveryRequest = RecoveryInput;

/** `missing`: the webhook no longer exists. */
export type BeginRecoveryResult = { missing: true } | { missing: false; matched: number };

export interface RecoveryPageRequest extends RecoveryScope {
  after: RecoveryCursor | null;
  limit: number;
}

export interface RecoverableItem {
  deliveryId: string;
  eventId: string;
  eventType: string;
  /** The event's receipt (ISO): the delivery's maximum age counts from it. Absent when the event is gone. */
  receivedAt?: string;
  createdAtMs: number;
  attemptsMade: number;
  lane: Lane;
}

/** The webhook's policy and name are read with each page: a change to the webhook applies from the next page. */
export type RecoveryPage = { missing: true } | { missing: false; items: RecoverableItem[]; policy: ResolvedPolicy; webhookName: string };

export interface ClaimForRecoveryRequest {
  deliveryId: string;
  statuses: RecoverableStatus[];
  claim: string;
}

export interface RecoveryCountsRequest {
  workspaceId: string;
  recoveryId: string;
  resent: number;
  skipped: number;
  succeeded: number;
}

export interface FinishRecoveryRequest extends RecoveryCountsRequest {
  state: 'completed' | 'failed';
  finishedAtMs: number;
  error?: string;
}
