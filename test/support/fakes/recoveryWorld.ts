// One webhook's deliveries in memory, and doubles of the activities a recovery and the delivery
// runs it starts call (of the contracts' types), following the real ones' rules: the page order
// (createdAt, then id), the claim that a repeat by the same recovery still holds, the counts
// written as absolute values, a first end that stays. Every call is logged with the run that
// made it, so a test can check the order of claims and attempts and see continue-as-new.
import { Context } from '@temporalio/activity';
import type { DeliveryStatus, Lane, RecoverableStatus } from '../../../src/core/domain';
import { resolvePolicy } from '../../../src/policy';
import type { DeliveryActivities, RecoveryActivities } from '../../../workflows/contracts/activities';
import type { RecoverableItem, RecoveryCountsRequest } from '../../../workflows/contracts/recovery';
import { attemptOutcome, type Reply } from './activities';

export interface FakeDelivery {
  deliveryId: string;
  eventId: string;
  createdAtMs: number;
  status: DeliveryStatus;
  /** The attempts made before the recovery, then the ones it causes. */
  attemptsMade: number;
  lane: Lane;
  /** False: retention deleted its event. */
  eventExists: boolean;
  /** What the receiver answers to each attempt the recovery causes; the last repeats. */
  replies: Reply[];
  recoveryClaim?: string;
}

export interface LoggedCall {
  name: keyof (RecoveryActivities & DeliveryActivities);
  /** The delivery it concerns, if any. */
  deliveryId?: string;
  workflowId: string;
  runId: string;
}

export interface FakeRecoveryRecord {
  state: 'running' | 'completed' | 'failed';
  matched: number | null;
  resent: number;
  skipped: number;
  succeeded: number;
  error?: string;
  creations: number;
}

export class RecoveryWorld {
  readonly deliveries = new Map<string, FakeDelivery>();
  readonly records = new Map<string, FakeRecoveryRecord>();
  readonly calls: LoggedCall[] = [];
  webhookExists = true;
  /** Hooks the tests set: before a delivery's attempt is answered, or once a claim has been written. */
  beforeAttempt?: (delivery: FakeDelivery) => void;
  /** Deliveries whose first claim writes and then fails, as if the worker died before answering. */
  readonly claimsThatFailOnce = new Set<string>();
  readonly policy = resolvePolicy({ preset: 'fixed' });

  add(delivery: Partial<FakeDelivery> & Pick<FakeDelivery, 'deliveryId' | 'createdAtMs' | 'status'>): FakeDelivery {
    const full: FakeDelivery = {
      eventId: delivery.deliveryId.split('/')[2] ?? 'evt',
      attemptsMade: 1,
      lane: 'priority',
      eventExists: true,
      replies: [200],
      ...delivery,
    };
    this.deliveries.set(full.deliveryId, full);
    return full;
  }

  /** The deliveries attempted during the recovery, in the order of their attempts. */
  attempted(): string[] {
    return this.calls.filter((call) => call.name === 'deliverAttempt').map((call) => call.deliveryId!);
  }

  private log(name: LoggedCall['name'], deliveryId?: string): void {
    const { workflowExecution } = Context.current().info;
    this.calls.push({
      name,
      ...(deliveryId !== undefined ? { deliveryId } : {}),
      workflowId: workflowExecution?.workflowId ?? '',
      runId: workflowExecution?.runId ?? '',
    });
  }

  private record(id: string): FakeRecoveryRecord {
    const record = this.records.get(id);
    if (!record) throw new Error(`no record for recovery ${id}`);
    return record;
  }

  activities(): RecoveryActivities & DeliveryActivities {
    const inRange = (delivery: FakeDelivery, request: { statuses: RecoverableStatus[]; sinceMs: number; untilMs: number }) =>
      (request.statuses as DeliveryStatus[]).includes(delivery.status) && delivery.createdAtMs >= request.sinceMs && delivery.createdAtMs < request.untilMs;
    const setCounts = (request: RecoveryCountsRequest) => {
      const record = this.record(request.recoveryId);
      if (record.state === 'running') Object.assign(record, { resent: request.resent, skipped: request.skipped, succeeded: request.succeeded });
    };
    return {
      beginRecovery: async (request) => {
        this.log('beginRecovery');
        const existing = this.records.get(request.recoveryId);
        if (existing) existing.creations += 1;
        else this.records.set(request.recoveryId, { state: 'running', matched: null, resent: 0, skipped: 0, succeeded: 0, creations: 1 });
        if (!this.webhookExists) return { missing: true };
        const matched = [...this.deliveries.values()].filter((delivery) => inRange(delivery, request)).length;
        this.record(request.recoveryId).matched = matched;
        return { missing: false, matched };
      },
      recoveryPage: async (request) => {
        this.log('recoveryPage');
        if (!this.webhookExists) return { missing: true };
        const after = request.after;
        const items: RecoverableItem[] = [...this.deliveries.values()]
          .filter((delivery) => inRange(delivery, request))
          .filter(
            (delivery) =>
              after === null ||
              delivery.createdAtMs > after.createdAtMs ||
              (delivery.createdAtMs === after.createdAtMs && delivery.deliveryId > after.deliveryId),
          )
          .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.deliveryId < b.deliveryId ? -1 : 1))
          .slice(0, request.limit)
          .map((delivery) => ({
            deliveryId: delivery.deliveryId,
            eventId: delivery.eventId,
            eventType: 'order.paid',
            ...(delivery.eventExists ? { receivedAt: new Date(delivery.createdAtMs).toISOString() } : {}),
            createdAtMs: delivery.createdAtMs,
            attemptsMade: delivery.attemptsMade,
            lane: delivery.lane,
          }));
        return { missing: false, items, policy: this.policy, webhookName: 'Orders' };
      },
      claimForRecovery: async (request) => {
        this.log('claimForRecovery', request.deliveryId);
        const delivery = this.deliveries.get(request.deliveryId);
        if (!delivery) return false;
        const claimable =
          (request.statuses as DeliveryStatus[]).includes(delivery.status) || (delivery.status === 'pending' && delivery.recoveryClaim === request.claim);
        if (!claimable) return false;
        Object.assign(delivery, { status: 'pending', recoveryClaim: request.claim });
        if (this.claimsThatFailOnce.delete(request.deliveryId)) throw new Error('worker lost after the write');
        return true;
      },
      recordRecoveryProgress: async (request) => {
        this.log('recordRecoveryProgress');
        setCounts(request);
      },
      finishRecovery: async (request) => {
        this.log('finishRecovery');
        const record = this.record(request.recoveryId);
        if (record.state !== 'running') return;
        setCounts(request);
        Object.assign(record, { state: request.state, ...(request.error !== undefined ? { error: request.error } : {}) });
      },
      deliverAttempt: async (input) => {
        this.log('deliverAttempt', input.deliveryId);
        const delivery = this.deliveries.get(input.deliveryId);
        if (!delivery) throw new Error(`no delivery ${input.deliveryId}`);
        this.beforeAttempt?.(delivery);
        const made = delivery.attemptsMade;
        const reply = delivery.replies[Math.min(this.attempted().filter((id) => id === input.deliveryId).length, delivery.replies.length) - 1];
        const outcome = attemptOutcome(this.policy, reply);
        if (outcome.outcome === 'succeeded' || outcome.outcome === 'failed') {
          if (input.attemptNumber !== made + 1) throw new Error(`attempt ${input.attemptNumber} after ${made} made`);
          delivery.attemptsMade = input.attemptNumber;
          delivery.status = outcome.outcome === 'succeeded' ? 'succeeded' : input.onFailure.status;
        }
        return outcome;
      },
      recordDeliveryStatus: async (update) => {
        this.log('recordDeliveryStatus', update.deliveryId);
        const delivery = this.deliveries.get(update.deliveryId);
        if (delivery) delivery.status = update.status;
      },
    };
  }
}
