// The activities as the workflows call them: one interface per worker-side module. The worker's
// `createActivities` (activities/index.ts) implements all three; workflows type their proxies with
// these, so neither side imports the other.
import type { AttemptInput, AttemptOutcome, StatusUpdate } from './delivery';
import type {
  BufferedPage,
  BufferedPageRequest,
  ClaimRequest,
  DiscardRequest,
  MarkActivatedRequest,
  MarkDeactivatedRequest,
  NotificationDelivery,
  NotifyRequest,
  ReplayProgressRequest,
} from './endpointHealth';
import type {
  DeliverySweepRequest,
  EventSweepRequest,
  EventSweepResult,
  NotificationSweepRequest,
  PortalLinkSweepRequest,
  ReconcilePageRequest,
  ReconcilePageResult,
  SweepResult,
} from './maintenance';
import type {
  BeginRecoveryRequest,
  BeginRecoveryResult,
  ClaimForRecoveryRequest,
  FinishRecoveryRequest,
  RecoveryCountsRequest,
  RecoveryPage,
  RecoveryPageRequest,
} from './recovery';

export interface DeliveryActivities {
  /**
   * Sends one attempt of a delivery and records it with the state the workflow planned for its
   * outcome, or defers it at once when the webhook has its cap of attempts in flight on this worker.
   */
  deliverAttempt(input: AttemptInput): Promise<AttemptOutcome>;
  /** Writes a delivery's status, lane and next attempt time; idempotent. */
  recordDeliveryStatus(update: StatusUpdate): Promise<void>;
}

export interface EndpointHealthActivities {
  /** Mirrors a deactivation to the webhook's record, with its buffer window. */
  markDeactivated(request: MarkDeactivatedRequest): Promise<void>;
  /** Mirrors an activation; answers how many deliveries the buffer holds. */
  markActivated(request: MarkActivatedRequest): Promise<{ buffered: number }>;
  /** Stores the notification and, with a notification URL, the delivery that carries it. */
  recordNotification(request: NotifyRequest): Promise<{ delivery?: NotificationDelivery }>;
  /** The next page of the buffer, with the webhook's retry policy as it stands now. */
  bufferedPage(request: BufferedPageRequest): Promise<BufferedPage>;
  /** A buffered delivery becomes pending for the replay's attempt; false if something else took it. */
  claimBuffered(request: ClaimRequest): Promise<boolean>;
  /** Mirrors a replay's progress (or its end) to the webhook's record. */
  replayProgress(request: ReplayProgressRequest): Promise<void>;
  /** Marks up to `limit` buffered deliveries `discarded`; answers how many. */
  discardBuffered(request: DiscardRequest): Promise<number>;
}

export interface MaintenanceActivities {
  reconcilePage(request: ReconcilePageRequest): Promise<ReconcilePageResult>;
  /** Active webhooks that still hold buffered deliveries: their health workflows are asked to replay. */
  reconcileBuffers(request: { beforeMs: number }): Promise<string[]>;
  sweepDeliveries(request: DeliverySweepRequest): Promise<SweepResult>;
  sweepEvents(request: EventSweepRequest): Promise<EventSweepResult>;
  sweepNotifications(request: NotificationSweepRequest): Promise<SweepResult>;
  sweepPortalLinks(request: PortalLinkSweepRequest): Promise<SweepResult>;
}

export interface RecoveryActivities {
  /** Creates the recovery's record unless the API did, and counts the deliveries it matches. */
  beginRecovery(request: BeginRecoveryRequest): Promise<BeginRecoveryResult>;
  /** The next page of the recovery's deliveries, with the webhook's policy as it stands now. */
  recoveryPage(request: RecoveryPageRequest): Promise<RecoveryPage>;
  /** An ended delivery becomes pending for the recovery's fresh attempt; false if it is no longer in the statuses. */
  claimForRecovery(request: ClaimForRecoveryRequest): Promise<boolean>;
  /** Mirrors the counts so far to the recovery's record. */
  recordRecoveryProgress(request: RecoveryCountsRequest): Promise<void>;
  /** Mirrors the recovery's end. */
  finishRecovery(request: FinishRecoveryRequest): Promise<void>;
}

/** Everything a Herald worker registers. */
export type HeraldActivities = DeliveryActivities & EndpointHealthActivities & MaintenanceActivities & RecoveryActivities;
