// One workflow per ingested event, id event/{ws}/{eventId}: it makes the first attempt of every
// delivery of the event at once, as local activities, and hands each delivery that needs a retry
// to a deliveryWorkflow of its own (delivery/{ws}/{eventId}/{webhookId}), started as an abandoned
// child that carries on the schedule. An event delivered at the first try costs the engine one
// workflow and one workflow task, whatever its fan-out; its history shows every first attempt.
// A first attempt the worker defers (its webhook at the in-flight cap) is handed over the same
// way, uncounted, so a busy webhook never holds up the event's other deliveries.
import { deliveryInput, type HandOverResult } from './contracts/delivery';
import type { EventInput, EventResult, EventTarget } from './contracts/event';
import { attemptAndHandOver } from './handOver';

export async function eventWorkflow(input: EventInput): Promise<EventResult> {
  const results = await Promise.all(input.targets.map((target) => firstAttempt(input, target)));
  return { deliveries: input.targets.map((target, i) => ({ deliveryId: target.deliveryId, result: results[i] })) };
}

function firstAttempt(event: EventInput, target: EventTarget): Promise<HandOverResult> {
  // A run with the delivery's id open already: a manual retry got there first and owns it now.
  return attemptAndHandOver(deliveryInput({ ...event, ...target }), { summary: target.summary, ifRunOpen: 'leave' });
}
