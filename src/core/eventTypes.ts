// How events are named and matched: pure rules shared by ingest, the API and the notifications.

/** `family` defaults to the part of the name before the first dot. */
export function familyOf(eventType: string): string {
  const dot = eventType.indexOf('.');
  return dot === -1 ? eventType : eventType.slice(0, dot);
}

/** A webhook subscribes to an event type when it lists the type or `*`. */
export function subscribesTo(webhook: { events: readonly string[] }, eventType: string): boolean {
  return webhook.events.includes('*') || webhook.events.includes(eventType);
}
