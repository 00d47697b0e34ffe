// Workflow ids, pure so that workflow code can name the workflows it starts.

/** The workflow that makes an event's first attempts. */
export function eventWorkflowId(workspaceId: string, eventId: string): string {
  return `event/${workspaceId}/${eventId}`;
}

/** The webhook's endpoint-health workflow, owner of its active state. */
export function healthWorkflowId(workspaceId: string, webhookId: string): string {
  return `endpoint-health/${workspaceId}/${webhookId}`;
}
