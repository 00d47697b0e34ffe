// Every id format of Herald, pure so that workflow code can make and name them from workflow time.

/**
 * Ids sort by creation time (ms timestamp, base36, fixed width) so cursor pagination is a plain
 * `_id > cursor` range scan that MongoDB and FerretDB both serve from the _id index.
 */
export function timeOrderedId(prefix: string, atMs: number, randomHex: string): string {
  return `${prefix}_${atMs.toString(36).padStart(9, '0')}${randomHex}`;
}

/** An event's `_id` in the store: one event per id per workspace. */
export function eventKey(workspaceId: string, eventId: string): string {
  return `${workspaceId}/${eventId}`;
}

/** A delivery: one event to one webhook; also its delivery workflow's id. */
export function deliveryId(workspaceId: string, eventId: string, webhookId: string): string {
  return `delivery/${workspaceId}/${eventId}/${webhookId}`;
}

/** The workflow that makes an event's first attempts. */
export function eventWorkflowId(workspaceId: string, eventId: string): string {
  return `event/${workspaceId}/${eventId}`;
}

/** The webhook's endpoint-health workflow, owner of its active state. */
export function healthWorkflowId(workspaceId: string, webhookId: string): string {
  return `endpoint-health/${workspaceId}/${webhookId}`;
}

/** The workspace's own endpoint for notifications, a webhook record of kind `notification`. */
export function notificationEndpointId(workspaceId: string): string {
  return `wh_notifications_${workspaceId}`;
}

/** A recovery's workflow: resends one webhook's ended deliveries of a time range, in order. */
export function recoveryWorkflowId(workspaceId: string, recoveryId: string): string {
  return `recovery/${workspaceId}/${recoveryId}`;
}
