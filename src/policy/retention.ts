// How long Herald keeps what it stored, and when the reconciler steps in. The numbers are named
// here once; the retention Schedule's workflow and the store's sweeps follow these rules, and
// pure, so workflow code may use them.
import type { DeliveryStatus } from '../core/domain';
import type { PresetName } from './types';
import { DEFAULT_BUFFER_SECONDS } from './endpointHealth';

const DAY_SECONDS = 24 * 60 * 60;

/** The `fixed` preset's failed and expired deliveries are deleted 24 hours after their event. */
export const FIXED_FAILED_KEEP_SECONDS = DAY_SECONDS;

/** Succeeded (and otherwise ended) deliveries, events and notifications: 30 days unless configured. */
export const DEFAULT_RETENTION_DAYS = 30;

/** Deliveries that were never attempted (`dropped`, `discarded`) are kept as long as a buffer would have been. */
export const HELD_KEEP_SECONDS = DEFAULT_BUFFER_SECONDS;

export type DeliveryRetentionRule = 'fixed-failed' | 'held' | 'ended';

/** Which deliveries one rule deletes: by status (and preset), counted from the record's `field`. */
export interface DeliverySweep {
  rule: DeliveryRetentionRule;
  statuses: DeliveryStatus[];
  preset?: PresetName;
  /** `createdAt` is the event's arrival; `updatedAt` is when the delivery reached its status. */
  field: 'createdAt' | 'updatedAt';
  /** Records whose `field` is before this instant are deleted. */
  before: Date;
}

/** The delivery sweeps of one retention run, at workflow time `nowMs`. */
export function deliverySweeps(nowMs: number, retentionDays: number): DeliverySweep[] {
  const ago = (seconds: number) => new Date(nowMs - seconds * 1000);
  return [
    { rule: 'fixed-failed', statuses: ['failed', 'expired'], preset: 'fixed', field: 'createdAt', before: ago(FIXED_FAILED_KEEP_SECONDS) },
    { rule: 'held', statuses: ['dropped', 'discarded'], field: 'updatedAt', before: ago(HELD_KEEP_SECONDS) },
    { rule: 'ended', statuses: ['succeeded', 'failed', 'expired', 'cancelled'], field: 'updatedAt', before: ago(retentionDays * DAY_SECONDS) },
  ];
}

/** Events (once no delivery of theirs remains) and notifications older than this are deleted. */
export function recordsCutoff(nowMs: number, retentionDays: number): Date {
  return new Date(nowMs - retentionDays * DAY_SECONDS * 1000);
}

/** Records deleted per batch, and batches per run: a run's work is bounded whatever the backlog. */
export const RETENTION_BATCH = 500;
export const RETENTION_MAX_BATCHES = 40;

/**
 * The reconciler looks at a `pending` delivery only once its next attempt is this overdue: a live
 * run makes the attempt within its timeout, and an ingest starts its workflow within seconds.
 */
export const DEFAULT_RECONCILE_GRACE_SECONDS = 60;
/** Deliveries examined per page, and pages per run. */
export const RECONCILE_PAGE = 100;
export const RECONCILE_MAX_PAGES = 20;
