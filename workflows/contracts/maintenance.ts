// The maintenance workflows' inputs and results, and their activities' requests and results.
import type { DeliveryRetentionRule } from '../../src/policy/retention';

export interface ReconcileInput {
  /** How overdue a pending delivery's next attempt must be before its runs are looked at. */
  graceSeconds: number;
}

export interface ReconcileResult {
  examined: number;
  started: number;
  cancelled: number;
  /** Webhooks whose health workflow was asked to replay buffered stragglers. */
  buffersReplayed: number;
}

export interface RetentionInput {
  /** Days that ended deliveries, events and notifications are kept. */
  retentionDays: number;
}

export type RetentionResult = Record<DeliveryRetentionRule | 'events' | 'notifications' | 'portalLinks', number>;

export interface ReconcilePageRequest {
  /** Pending deliveries whose next attempt was due before this instant (epoch ms) are examined. */
  beforeMs: number;
  afterId: string | null;
  limit: number;
}

export interface ReconcilePageResult {
  examined: number;
  /** Deliveries that had no run and were given one. */
  started: string[];
  /** Deliveries whose webhook or event no longer exists: recorded `cancelled`. */
  cancelled: string[];
  /** Where the next page starts; null when this was the last. */
  nextAfterId: string | null;
}

export interface SweepResult {
  deleted: number;
}

export interface EventSweepResult extends SweepResult {
  examined: number;
  nextAfterId: string | null;
}

export interface DeliverySweepRequest {
  rule: DeliveryRetentionRule;
  nowMs: number;
  retentionDays: number;
  limit: number;
}

export interface EventSweepRequest {
  nowMs: number;
  retentionDays: number;
  afterId: string | null;
  limit: number;
}

export interface NotificationSweepRequest {
  nowMs: number;
  retentionDays: number;
  limit: number;
}

/** Customer portal links that expired before `nowMs` open nothing: their records go. */
export interface PortalLinkSweepRequest {
  nowMs: number;
  limit: number;
}
