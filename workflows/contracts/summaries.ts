// What the Temporal Web UI shows for each of Herald's workflows (the `summary` in its memo), in
// one place: the API, the activities and the workflows that start one all name it the same way.

interface WebhookName {
  name: string;
  /** Shown as `<host>` when known. */
  url?: string;
}

function named(webhook: WebhookName): string {
  return webhook.url ? `${webhook.name} <${new URL(webhook.url).host}>` : webhook.name;
}

/** One delivery: `order.paid event evt_… → Orders <example.com>`, with why it started when not at ingest. */
export function deliverySummary(event: { eventType: string; eventId: string }, webhook: WebhookName, why?: string): string {
  return `${event.eventType} event ${event.eventId} → ${named(webhook)}${why ? ` (${why})` : ''}`;
}

/** An event's first attempts: to one webhook by name, or to several by count. */
export function eventSummary(event: { eventType: string; eventId: string }, webhooks: WebhookName[]): string {
  const where = webhooks.length === 1 ? webhooks[0].name : `${webhooks.length} webhooks`;
  return `${event.eventType} event ${event.eventId} → ${where}`;
}

/** A notification's delivery to the workspace's notification URL. */
export function notificationSummary(eventType: string): string {
  return `${eventType} notification`;
}

/** A webhook's endpoint-health workflow. */
export function endpointHealthSummary(webhook: WebhookName): string {
  return `health of webhook ${named(webhook)}`;
}

/** A recovery: `recover failed, expired of Orders <example.com> from … to …`. */
export function recoverySummary(webhook: WebhookName, range: { since: string; until: string; statuses: readonly string[] }): string {
  return `recover ${range.statuses.join(', ')} deliveries of ${named(webhook)} from ${range.since} to ${range.until}`;
}
