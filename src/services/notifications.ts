// What a notification about a webhook's health tells the reader to do.

/** The REST call that switches a deactivated webhook back on. */
export function activationPath(workspaceId: string, webhookId: string): string {
  return `/v1/workspaces/${workspaceId}/webhooks/${webhookId}/activate`;
}
