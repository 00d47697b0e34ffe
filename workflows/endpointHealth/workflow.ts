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
//
// This file wires the messages and runs the main loop; the state and its transitions are
// `EndpointHealth`'s.
import { allHandlersFinished, condition, makeContinueAsNewFunc, setHandler } from '@temporalio/workflow';
import {
  activateUpdate,
  deactivateUpdate,
  deletedSignal,
  failingSignal,
  healthQuery,
  replayBufferedSignal,
  type HealthInput,
} from '../contracts/endpointHealth';
import { EndpointHealth } from './endpointHealth';
import { validateActivation } from './validation';

export async function endpointHealthWorkflow(input: HealthInput): Promise<void> {
  const health = new EndpointHealth(input);

  setHandler(healthQuery, () => health.view());
  setHandler(deactivateUpdate, (request) => health.deactivate(request.reason).then(() => health.view()));
  setHandler(activateUpdate, (request) => health.activate(request).then(() => health.view()), { validator: validateActivation });
  setHandler(failingSignal, (signal) => health.deactivate(signal.reason));
  setHandler(replayBufferedSignal, () => health.replayBuffered());
  setHandler(deletedSignal, () => health.markDeleted());

  for (;;) {
    await condition(() => health.hasWork());
    if (health.deleted) break;
    if (health.state.discarding) await health.discard();
    if (health.state.replay && health.state.active) await health.replay(health.state.replay);
    if (health.deleted) break;
    if (health.historyFull()) {
      await condition(allHandlersFinished);
      // A deletion that arrived while the handlers finished ends the workflow; the next run would not know of it.
      if (health.deleted) break;
      return makeContinueAsNewFunc<typeof endpointHealthWorkflow>()({ ...input, state: health.state });
    }
  }
  // Deleted: let a change in progress finish its writes before the workflow ends.
  await condition(allHandlersFinished);
}
