// One long-lived workflow per webhook, id endpoint-health/{ws}/{webhookId}: the single owner of the
// webhook's active state. Every change goes through it — PATCH `active`, /activate, /deactivate, a
// failed test (as updates, so the REST call answers with the state after the change) and the
// automatic rule (a signal from the attempt activity when a failure streak crosses the threshold,
// or at once on 410 Gone). The webhook's MongoDB record mirrors the state for reads and for ingest.
//
// Deactivating records the reason and the buffer window, and notifies: a `webhook.deactivated`
// notification, delivered to the workspace's notification URL as a Herald delivery of its own.
// Activating either replays the buffer — from here, in the buffer's order, a page at a time — or
// marks it discarded. Nothing here depends on how long ago the workflow started: a crash of the
// worker resumes the replay where its history stopped, and continue-as-new keeps the history short.
import {
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { timeOrderedId } from '../src/core/ids';
import { DEFAULT_REPLAY_CONCURRENCY } from '../src/policy/endpointHealth';
import { eventWorkflowId } from '../src/core/ids';
import type { NotificationType } from '../src/core/domain';
import type { EndpointHealthActivities } from './contracts/activities';
import { deliverySummary, notificationSummary } from './contracts/summaries';
import { eventWorkflow } from './event';
import { attemptAndHandOver } from './handOver';
import {
  activateUpdate,
  deactivateUpdate,
  deletedSignal,
  failingSignal,
  healthQuery,
  replayBufferedSignal,
  type ActivateRequest,
  type BufferedItem,
  type HealthInput,
  type HealthState,
  type HealthView,
  type NotificationDelivery,
  type ReplayState,
} from './contracts/endpointHealth';

type Activities = EndpointHealthActivities;

/**
 * Store writes are idempotent, so Temporal may retry them until the store answers; a short
 * timeout, so that a worker lost in the middle of one holds the workflow up for seconds only.
 */
const { markDeactivated, markActivated, recordNotification, bufferedPage, claimBuffered, replayProgress, discardBuffered } = proxyActivities<Activities>({
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

export async function endpointHealthWorkflow(input: HealthInput): Promise<void> {
  const { workspaceId, webhookId } = input;
  const ref = { workspaceId, webhookId };
  const state: HealthState = input.state;
  let deleted = false;

  const view = (): HealthView => ({
    active: state.active,
    deactivatedAt: state.deactivatedAtMs !== undefined ? new Date(state.deactivatedAtMs).toISOString() : null,
    reason: state.reason ?? null,
    // Also during the last look for stragglers, when the record already says the replay is over.
    replay: state.replay ? { total: state.replay.total, done: state.replay.done } : null,
  });

  // Handlers change the state one at a time, each with its writes, in the order they arrived.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(change: () => Promise<T>): Promise<T> => {
    const run = queue.then(change);
    queue = run.catch(() => undefined);
    return run;
  };

  async function deactivate(reason: string): Promise<void> {
    // Deactivating an inactive webhook changes nothing and notifies nobody twice.
    if (!state.active) return;
    const atMs = Date.now();
    state.active = false;
    state.deactivatedAtMs = atMs;
    state.reason = reason;
    state.replay = undefined;
    state.discarding = undefined;
    await markDeactivated({ ...ref, atMs, reason });
    await notify('webhook.deactivated', reason, atMs);
  }

  async function activate(request: ActivateRequest): Promise<void> {
    const wasActive = state.active;
    // A replay or discard under way goes on; a second activation does not restart it.
    if (wasActive && (state.replay || state.discarding)) return;
    const atMs = Date.now();
    state.active = true;
    state.deactivatedAtMs = undefined;
    state.reason = undefined;
    const { buffered } = await markActivated({ ...ref, replaying: request.replayEvents, atMs });
    // Even with nothing counted: an event recorded as buffered a moment ago is caught by the replay's last look.
    if (request.replayEvents) {
      state.replay = { concurrency: request.replayConcurrency ?? DEFAULT_REPLAY_CONCURRENCY, afterSeq: null, total: buffered, done: 0, startedAtMs: atMs };
    } else {
      state.discarding = true;
    }
    if (!wasActive) await notify('webhook.reactivated', request.replayEvents ? 'reactivated with replay' : 'reactivated, buffer discarded', atMs);
  }

  async function notify(type: NotificationType, reason: string, atMs: number): Promise<void> {
    const notificationId = timeOrderedId('ntf', atMs, uuid4().replace(/-/g, '').slice(0, 16));
    const { delivery } = await recordNotification({ ...ref, notificationId, type, reason, atMs });
    if (delivery) await startNotificationDelivery(delivery);
  }

  setHandler(healthQuery, view);
  setHandler(deactivateUpdate, (request) => serially(() => deactivate(request.reason)).then(view));
  setHandler(activateUpdate, (request) => serially(() => activate(request)).then(view));
  setHandler(failingSignal, (signal) => serially(() => deactivate(signal.reason)));
  setHandler(replayBufferedSignal, () =>
    serially(() => {
      // Only an active webhook with nothing under way: a replay or discard in progress deals with its buffer itself.
      if (!state.active || state.replay || state.discarding || deleted) return Promise.resolve();
      // A quiet replay: it does not mark the record as replaying, so new events keep going straight to the webhook.
      state.replay = { concurrency: DEFAULT_REPLAY_CONCURRENCY, afterSeq: null, total: 0, done: 0, startedAtMs: Date.now(), draining: true };
      return Promise.resolve();
    }),
  );
  setHandler(deletedSignal, () => {
    deleted = true;
  });

  const historyEventLimit = input.historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT;
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= historyEventLimit;

  async function discard(): Promise<void> {
    while (state.discarding && !historyFull()) {
      if ((await discardBuffered({ ...ref, limit: REPLAY_PAGE_SIZE })) === 0) state.discarding = undefined;
    }
  }

  /** Replays a page at a time until the buffer is empty, the webhook is switched off, or the history is full. */
  async function replay(run: ReplayState): Promise<void> {
    const current = () => state.replay === run && state.active && !deleted;
    while (current() && !historyFull()) {
      const page = await bufferedPage({ ...ref, afterSeq: run.afterSeq, limit: REPLAY_PAGE_SIZE });
      if (page.missing) {
        state.replay = undefined;
        return;
      }
      if (page.items.length === 0) {
        if (run.draining) {
          state.replay = undefined;
          return;
        }
        // New events go straight to the webhook from now on; stragglers are picked up after a pause.
        run.draining = true;
        await replayProgress({ ...ref, replay: null });
        await sleep(STRAGGLER_WAIT);
        continue;
      }
      const replayOne = async (item: BufferedItem): Promise<void> => {
        // The claim names this replay, so that a claim repeated after a worker crash still holds.
        const claim = `${workflowInfo().workflowId}@${run.startedAtMs}`;
        if (!current() || !(await claimBuffered({ deliveryId: item.deliveryId, claim }))) return;
        await attemptAndHandOver(
          {
            workspaceId,
            webhookId,
            eventId: item.eventId,
            eventType: item.eventType,
            deliveryId: item.deliveryId,
            receivedAt: item.receivedAt,
            policy: page.policy,
            state: { attemptsMade: item.attemptsMade, lane: item.lane },
          },
          { summary: deliverySummary(item, { name: page.webhookName }, 'replayed'), ifRunOpen: 'wait' },
        );
      };
      await inOrder(page.items, run.concurrency, replayOne);
      if (!current()) return;
      run.afterSeq = page.items[page.items.length - 1].seq;
      run.done += page.items.length;
      run.total = Math.max(run.total, run.done);
      if (!run.draining) await replayProgress({ ...ref, replay: { total: run.total, done: run.done, startedAtMs: run.startedAtMs } });
    }
  }

  for (;;) {
    await condition(() => deleted || state.discarding === true || (state.replay !== undefined && state.active) || historyFull());
    if (deleted) break;
    if (state.discarding) await discard();
    if (state.replay && state.active) await replay(state.replay);
    if (deleted) break;
    if (historyFull()) {
      await condition(allHandlersFinished);
      // A deletion that arrived while the handlers finished ends the workflow; the next run would not know of it.
      if (deleted) break;
      return makeContinueAsNewFunc<typeof endpointHealthWorkflow>()({ ...input, state });
    }
  }
  // Deleted: let a change in progress finish its writes before the workflow ends.
  await condition(allHandlersFinished);
}

/**
 * Starts each item in order, at most `window` at once: an item starts only after the one
 * `window` places before it has ended. With a window of 1, strictly one after the other.
 */
async function inOrder<T>(items: T[], window: number, run: (item: T) => Promise<void>): Promise<void> {
  const running: Array<Promise<void>> = [];
  for (let i = 0; i < items.length; i++) {
    if (i >= window) await running[i - window];
    running.push(run(items[i]));
  }
  await Promise.all(running);
}

/** The notification's own event workflow, abandoned: it retries on its own schedule. */
async function startNotificationDelivery(delivery: NotificationDelivery): Promise<void> {
  try {
    await startChild(eventWorkflow, {
      workflowId: eventWorkflowId(delivery.workspaceId, delivery.eventId),
      args: [
        {
          workspaceId: delivery.workspaceId,
          eventId: delivery.eventId,
          eventType: delivery.eventType,
          receivedAt: delivery.receivedAt,
          targets: [
            { deliveryId: delivery.deliveryId, webhookId: delivery.endpointId, policy: delivery.policy, summary: notificationSummary(delivery.eventType) },
          ],
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (error) {
    // Started before this worker crashed and the workflow was replayed: it runs already.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
