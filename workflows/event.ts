// One workflow per ingested event, id event/{ws}/{eventId}: it makes the first attempt of every
// delivery of the event at once, as local activities, and hands each delivery that needs a retry
// to a deliveryWorkflow of its own (delivery/{ws}/{eventId}/{webhookId}), started as an abandoned
// child that carries on the schedule. An event delivered at the first try costs the engine one
// workflow and one workflow task, whatever its fan-out; its history shows every first attempt.
// A first attempt the worker defers (its webhook at the in-flight cap) is handed over the same
// way, uncounted, so a busy webhook never holds up the event's other deliveries.
// A first task that timed out while its attempts ran is run again, and would send them again: so
// a task after the first has every attempt check the delivery's record first (a read only then).
import { deliveryInput, type HandOverResult } from './contracts/delivery';
import type { EventInput, EventResult, EventTarget } from './contracts/event';
import { attemptAndHandOver, isFirstWorkflowTask } from './handOver';

export async function eventWorkflow(input: EventInput): Promise<EventResult> {
  // Read once, before any await: every first attempt is scheduled in this same task.
  const checkRecorded = !isFirstWorkflowTask();
  const results = await Promise.all(input.targets.map((target) => firstAttempt(input, target, checkRecorded)));
  return { deliveries: input.targets.map((target, i) => ({ deliveryId: target.deliveryId, result: results[i] })) };
}

function firstAttempt(event: EventInput, target: EventTarget, checkRecorded: boolean): Promise<HandOverResult> {
  // A run with the delivery's id open already: a manual retry got there first and owns it now.
  return attemptAndHandOver(deliveryInput({ ...event, ...target }), { summary: target.summary, ifRunOpen: 'leave', checkRecorded });
}
