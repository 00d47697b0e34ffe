// A webhook's health as its workflow keeps it: the state, and one method per transition. The
// workflow function (./workflow.ts) only wires messages to these methods and runs the main loop.
import { proxyActivities, sleep, uuid4, workflowInfo } from '@temporalio/workflow';
import { timeOrderedId } from '../../src/core/ids';
import { DEFAULT_REPLAY_CONCURRENCY } from '../../src/policy/endpointHealth';
import type { NotificationType } from '../../src/core/domain';
import type { EndpointHealthActivities } from '../contracts/activities';
import { deliveryInput } from '../contracts/delivery';
import { deliverySummary } from '../contracts/summaries';
import { attemptAndHandOver } from '../handOver';
import type { ActivateRequest, BufferedItem, BufferedPage, HealthInput, HealthState, HealthView, ReplayState, WebhookRef } from '../contracts/endpointHealth';
import { inOrder } from './inOrder';
import { startNotificationDelivery } from './notificationDelivery';

/**
 * Store writes are idempotent, so Temporal may retry them until the store answers; a short
 * timeout, so that a worker lost in the middle of one holds the workflow up for seconds only.
 */
const { markDeactivated, markActivated, recordNotification, bufferedPage, claimBuffered, replayProgress, discardBuffered } =
  proxyActivities<EndpointHealthActivities>({
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });

const DEFAULT_HISTORY_EVENT_LIMIT = 2000;
/** Buffered deliveries read per page of a replay, and marked per batch of a discard. */
export const REPLAY_PAGE_SIZE = 100;
/**
 * After the mirror says the replay is over, one more look for a delivery that an ingest recorded
 * as buffered because it read the record a moment before.
 */
const STRAGGLER_WAIT = '5 seconds';

type LoadedPage = Extract<BufferedPage, { missing: false }>;

export class EndpointHealth {
  /** Plain data: what continue-as-new carries to the next run. */
  readonly state: HealthState;
  /** The webhook was deleted: the workflow ends once the change under way has its writes. */
  deleted = false;
  private readonly ref: WebhookRef;
  private readonly historyEventLimit: number;
  // Message handlers change the state one at a time, each with its writes, in the order they arrived.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(input: HealthInput) {
    this.ref = { workspaceId: input.workspaceId, webhookId: input.webhookId };
    this.state = input.state;
    this.historyEventLimit = input.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT;
  }

  view(): HealthView {
    const { state } = this;
    return {
      active: state.active,
      deactivatedAt: state.deactivatedAtMs !== undefined ? new Date(state.deactivatedAtMs).toISOString() : null,
      reason: state.reason ?? null,
      // Also during the last look for stragglers, when the record already says the replay is over.
      replay: state.replay ? { total: state.replay.total, done: state.replay.done } : null,
    };
  }

  // ---------------------------------------------------------------- messages, serialized

  /** Switches the webhook off, records the buffer window and notifies; a second time changes nothing. */
  deactivate(reason: string): Promise<void> {
    return this.serially(() => this.switchOff(reason));
  }

  /** Switches the webhook on and sets its buffer to be replayed or discarded by the main loop. */
  activate(request: ActivateRequest): Promise<void> {
    return this.serially(() => this.switchOn(request));
  }

  /** From the reconciler: an active webhook that is not replaying replays what is still buffered. */
  replayBuffered(): Promise<void> {
    return this.serially(() => this.startQuietReplay());
  }

  markDeleted(): void {
    this.deleted = true;
  }

  // ---------------------------------------------------------------- the main loop's work

  historyFull(): boolean {
    return workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= this.historyEventLimit;
  }

  /** Something for the main loop: a deletion, a buffer to discard or replay, or a history to start anew. */
  hasWork(): boolean {
    const { state } = this;
    return this.deleted || state.discarding === true || (state.replay !== undefined && state.active) || this.historyFull();
  }

  /** Marks the buffer discarded a batch at a time, until a batch finds nothing or the history is full. */
  async discard(): Promise<void> {
    while (this.state.discarding && !this.historyFull()) {
      if ((await discardBuffered({ ...this.ref, limit: REPLAY_PAGE_SIZE })) === 0) this.state.discarding = undefined;
    }
  }

  /** Replays a page at a time until the buffer is empty, the webhook is switched off, or the history is full. */
  async replay(run: ReplayState): Promise<void> {
    while (this.isCurrent(run) && !this.historyFull()) {
      const page = await bufferedPage({ ...this.ref, afterSeq: run.afterSeq, limit: REPLAY_PAGE_SIZE });
      if (page.missing) {
        this.state.replay = undefined;
        return;
      }
      if (page.items.length === 0) {
        if (run.draining) {
          this.state.replay = undefined;
          return;
        }
        // New events go straight to the webhook from now on; stragglers are picked up after a pause.
        run.draining = true;
        await replayProgress({ ...this.ref, replay: null });
        await sleep(STRAGGLER_WAIT);
        continue;
      }
      await inOrder(page.items, run.concurrency, (item) => this.replayItem(run, page, item));
      if (!this.isCurrent(run)) return;
      run.afterSeq = page.items[page.items.length - 1].seq;
      run.done += page.items.length;
      run.total = Math.max(run.total, run.done);
      if (!run.draining) await replayProgress({ ...this.ref, replay: { total: run.total, done: run.done, startedAtMs: run.startedAtMs } });
    }
  }

  // ---------------------------------------------------------------- transitions

  private serially<T>(change: () => Promise<T>): Promise<T> {
    const run = this.queue.then(change);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async switchOff(reason: string): Promise<void> {
    const { state } = this;
    // Deactivating an inactive webhook changes nothing and notifies nobody twice.
    if (!state.active) return;
    const atMs = Date.now();
    state.active = false;
    state.deactivatedAtMs = atMs;
    state.reason = reason;
    state.replay = undefined;
    state.discarding = undefined;
    await markDeactivated({ ...this.ref, atMs, reason });
    await this.notify('webhook.deactivated', reason, atMs);
  }

  private async switchOn(request: ActivateRequest): Promise<void> {
    const { state } = this;
    const wasActive = state.active;
    // A replay or discard under way goes on; a second activation does not restart it.
    if (wasActive && (state.replay || state.discarding)) return;
    const atMs = Date.now();
    state.active = true;
    state.deactivatedAtMs = undefined;
    state.reason = undefined;
    const { buffered } = await markActivated({ ...this.ref, replaying: request.replayEvents, atMs });
    // Even with nothing counted: an event recorded as buffered a moment ago is caught by the replay's last look.
    if (request.replayEvents) {
      state.replay = { concurrency: request.replayConcurrency ?? DEFAULT_REPLAY_CONCURRENCY, afterSeq: null, total: buffered, done: 0, startedAtMs: atMs };
    } else {
      state.discarding = true;
    }
    if (!wasActive) await this.notify('webhook.reactivated', request.replayEvents ? 'reactivated with replay' : 'reactivated, buffer discarded', atMs);
  }

  private startQuietReplay(): Promise<void> {
    const { state } = this;
    // Only an active webhook with nothing under way: a replay or discard in progress deals with its buffer itself.
    if (!state.active || state.replay || state.discarding || this.deleted) return Promise.resolve();
    // A quiet replay: it does not mark the record as replaying, so new events keep going straight to the webhook.
    state.replay = { concurrency: DEFAULT_REPLAY_CONCURRENCY, afterSeq: null, total: 0, done: 0, startedAtMs: Date.now(), draining: true };
    return Promise.resolve();
  }

  private async notify(type: NotificationType, reason: string, atMs: number): Promise<void> {
    const notificationId = timeOrderedId('ntf', atMs, uuid4().replace(/-/g, '').slice(0, 16));
    const { delivery } = await recordNotification({ ...this.ref, notificationId, type, reason, atMs });
    if (delivery) await startNotificationDelivery(delivery);
  }

  /** The replay still runs: not replaced by a newer one, and the webhook neither switched off nor deleted. */
  private isCurrent(run: ReplayState): boolean {
    return this.state.replay === run && this.state.active && !this.deleted;
  }

  private async replayItem(run: ReplayState, page: LoadedPage, item: BufferedItem): Promise<void> {
    // The claim names this replay, so that a claim repeated after a worker crash still holds.
    const claim = `${workflowInfo().workflowId}@${run.startedAtMs}`;
    if (!this.isCurrent(run) || !(await claimBuffered({ deliveryId: item.deliveryId, claim }))) return;
    await attemptAndHandOver(deliveryInput({ ...this.ref, ...item, policy: page.policy }, { state: { attemptsMade: item.attemptsMade, lane: item.lane } }), {
      summary: deliverySummary(item, { name: page.webhookName }, 'replayed'),
      ifRunOpen: 'wait',
      // A long-lived run: any task may be one that timed out and runs again.
      checkRecorded: true,
    });
  }
}
