// Creating a workspace and changing its settings: the notification URL obeys the same
// outgoing-safety rules as every webhook, and the notification secret is generated when needed.
import { invalidInput, notFoundError } from '../core/errors';
import { checkTargetUrl } from '../outbound';
import type { Store } from '../store';
import type { WorkspaceDoc, WorkspaceSettings } from '../store/workspaces';
import { targetAccess, type AppDeps } from './deps';
import type { WebhookDeactivation } from '../store/types';
import { resolveSecret } from './secrets';

/** A workspace as the admin creates it; the API's schema has checked its shape. */
export interface WorkspaceInput {
  name: string;
  notificationUrl?: string;
  /** `true`: Herald generates one, shown once. */
  notificationSecret?: true | string;
  requireHttps?: boolean;
  deactivation?: WebhookDeactivation;
}

/** A change to a workspace: any field; `null` clears the notification URL or secret. */
export type WorkspacePatch = Partial<Omit<WorkspaceInput, 'notificationUrl' | 'notificationSecret'>> & {
  notificationUrl?: string | null;
  notificationSecret?: true | string | null;
};

export async function findWorkspace(store: Store, ws: string): Promise<WorkspaceDoc> {
  const workspace = await store.workspaces.get(ws);
  if (!workspace) throw notFoundError('workspace');
  return workspace;
}

async function checkNotificationUrl(deps: AppDeps, url: string | null | undefined, requireHttps: boolean): Promise<void> {
  if (!url) return;
  const verdict = await checkTargetUrl(url, { ...targetAccess(deps), requireHttps });
  if (!verdict.ok) throw invalidInput(`body.notificationUrl ${verdict.reason}`, ['body.notificationUrl']);
}

/** The stored notification secret for a settings change, and the generated one to show once. */
function notificationSecretOf(
  given: true | string | null | undefined,
  url: string | null | undefined,
  current: WorkspaceSettings | undefined,
): { stored?: string | null; reveal?: string } {
  if (given === null) return { stored: null };
  if (given !== undefined) return resolveSecret(given, 'body.notificationSecret');
  if (url && !current?.notificationSecret) return resolveSecret(true, 'body.notificationSecret');
  return {};
}

/** `reveal` is a generated notification secret, shown once. */
export async function createWorkspace(deps: AppDeps, body: WorkspaceInput): Promise<{ doc: WorkspaceDoc; reveal: string | undefined }> {
  const { name, notificationSecret, ...settings } = body;
  await checkNotificationUrl(deps, settings.notificationUrl, settings.requireHttps ?? false);
  const secret = notificationSecretOf(notificationSecret, settings.notificationUrl, undefined);
  const doc = await deps.store.workspaces.create(name, { ...settings, ...(secret.stored ? { notificationSecret: secret.stored } : {}) });
  return { doc, reveal: secret.reveal };
}

export async function updateWorkspace(deps: AppDeps, ws: string, body: WorkspacePatch): Promise<{ doc: WorkspaceDoc; reveal: string | undefined }> {
  const { name, notificationSecret, ...settings } = body;
  const current = await findWorkspace(deps.store, ws);
  await checkNotificationUrl(deps, settings.notificationUrl, settings.requireHttps ?? current.settings.requireHttps);
  const secret = notificationSecretOf(notificationSecret, settings.notificationUrl, current.settings);
  const changes = { ...settings, ...(secret.stored !== undefined ? { notificationSecret: secret.stored } : {}) };
  const doc = await deps.store.workspaces.update(ws, { ...(name !== undefined ? { name } : {}), settings: changes });
  if (!doc) throw notFoundError('workspace');
  return { doc, reveal: secret.reveal };
}
