import { Collection, Db } from 'mongodb';
import { DEFAULT_DEACTIVATION } from '../policy/endpointHealth';
import { previousSecretExpiry, stillSigns } from '../policy/secrets';
import { secretOwner, type SecretBox, type Sealed, type StoredSecret } from '../security/secretBox';
import { newId } from './ids';
import { reencryptBatch, type ReencryptBatch } from './sealing/reencryptBatch';
import { rotateSealed } from './sealing/sealedRotation';
import type { NotificationSecrets, WebhookDeactivation } from './types';

export interface WorkspaceSettings {
  notificationUrl?: string;
  /** Signs the notifications sent to notificationUrl; write-only, sealed like a webhook's secret. */
  notificationSecret?: StoredSecret;
  /** The notification secret before the last rotation: it signs beside the new one until `expiresAt`. */
  previousNotificationSecret?: { secret: Sealed; expiresAt: Date };
  requireHttps: boolean;
  /** The workspace's deactivation rule and buffer window; a webhook may override each. */
  deactivation: WebhookDeactivation;
}

/** Settings as the API gives them: the notification secret in clear, for the repository to seal. */
export type SettingsInput = Omit<WorkspaceSettings, 'notificationSecret' | 'previousNotificationSecret'> & { notificationSecret?: string };

export interface WorkspaceDoc {
  _id: string;
  name: string;
  settings: WorkspaceSettings;
  createdAt: Date;
  updatedAt: Date;
}

export class WorkspaceRepository {
  private readonly collection: Collection<WorkspaceDoc>;

  constructor(
    db: Db,
    private readonly box: SecretBox,
  ) {
    this.collection = db.collection<WorkspaceDoc>('workspaces');
  }

  async create(name: string, settings: Partial<SettingsInput> = {}): Promise<WorkspaceDoc> {
    const now = new Date();
    const id = newId('ws');
    const { notificationSecret, ...rest } = settings;
    const doc: WorkspaceDoc = {
      _id: id,
      name,
      settings: {
        requireHttps: false,
        deactivation: { ...DEFAULT_DEACTIVATION },
        ...rest,
        ...(notificationSecret !== undefined ? { notificationSecret: this.box.seal(notificationSecret, owner.secret(id)) } : {}),
      },
      createdAt: now,
      updatedAt: now,
    };
    await this.collection.insertOne(doc);
    return doc;
  }

  get(id: string): Promise<WorkspaceDoc | null> {
    return this.collection.findOne({ _id: id });
  }

  /** Workspaces in id order, after the cursor `after`. */
  list(limit: number, after?: string): Promise<WorkspaceDoc[]> {
    return this.collection
      .find(after !== undefined ? { _id: { $gt: after } } : {})
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
  }

  /**
   * A setting given as null is removed (only `notificationUrl` is optional). A notification secret
   * set or removed here replaces the old one at once; rotateNotificationSecret keeps it signing.
   */
  async update(id: string, changes: { name?: string; settings?: { [K in keyof SettingsInput]?: SettingsInput[K] | null } }): Promise<WorkspaceDoc | null> {
    const set: Record<string, unknown> = { updatedAt: new Date() };
    const unset: Record<string, ''> = {};
    if (changes.name !== undefined) set.name = changes.name;
    for (const [key, value] of Object.entries(changes.settings ?? {})) {
      if (value === null) unset[`settings.${key}`] = '';
      else if (key === 'notificationSecret') set[`settings.${key}`] = this.box.seal(value as string, owner.secret(id));
      else if (value !== undefined) set[`settings.${key}`] = value;
    }
    if (changes.settings?.notificationSecret !== undefined) unset['settings.previousNotificationSecret'] = '';
    const update = Object.keys(unset).length ? { $set: set, $unset: unset } : { $set: set };
    return this.collection.findOneAndUpdate({ _id: id }, update, { returnDocument: 'after' });
  }

  /**
   * A new notification secret; the current one keeps signing beside it for `graceSeconds` (none:
   * dropped now), as WebhookRepository.rotateSecret does for a webhook. Null: no such workspace.
   */
  rotateNotificationSecret(id: string, next: string, graceSeconds: number, now: Date = new Date()): Promise<WorkspaceDoc | null> {
    return rotateSealed({
      collection: this.collection,
      filter: { _id: id },
      field: 'settings.notificationSecret',
      previousField: 'settings.previousNotificationSecret',
      currentOf: (doc) => doc.settings.notificationSecret,
      next: this.box.seal(next, owner.secret(id)),
      asPrevious: (current) => this.box.seal(this.box.open(current, owner.secret(id)), owner.previous(id)),
      expiresAt: previousSecretExpiry(now, graceSeconds),
      now,
    });
  }

  /** The notification secrets in clear, for signing notifications; never for an API view. */
  notificationSecrets(doc: WorkspaceDoc, now: Date = new Date()): NotificationSecrets {
    const { notificationSecret, previousNotificationSecret } = doc.settings;
    if (notificationSecret === undefined) return {};
    const secrets: NotificationSecrets = { secret: this.box.open(notificationSecret, owner.secret(doc._id)) };
    if (previousNotificationSecret && stillSigns(previousNotificationSecret.expiresAt, now)) {
      secrets.previous = { secret: this.box.open(previousNotificationSecret.secret, owner.previous(doc._id)), expiresAt: previousNotificationSecret.expiresAt };
    }
    return secrets;
  }

  /** Like WebhookRepository.reencryptBatch, for the workspaces' notification secrets. */
  reencryptBatch(afterId: string | undefined, limit: number, now: Date = new Date()): Promise<ReencryptBatch> {
    return reencryptBatch(this.collection, afterId, limit, (doc) => this.reencryption(doc, now));
  }

  /** The update that re-seals the workspace's secrets under the current key and drops an expired previous one. */
  private reencryption(doc: WorkspaceDoc, now: Date): { $set?: Record<string, unknown>; $unset?: Record<string, ''> } | undefined {
    const { notificationSecret: current, previousNotificationSecret: previous } = doc.settings;
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    if (current !== undefined && this.box.needsReseal(current)) set['settings.notificationSecret'] = this.box.reseal(current, owner.secret(doc._id));
    if (previous && !stillSigns(previous.expiresAt, now)) unset['settings.previousNotificationSecret'] = '';
    else if (previous && this.box.needsReseal(previous.secret)) {
      set['settings.previousNotificationSecret'] = { secret: this.box.reseal(previous.secret, owner.previous(doc._id)), expiresAt: previous.expiresAt };
    }
    // An empty $set or $unset is an error for some servers: only the ones with fields.
    const update = { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) };
    return Object.keys(update).length ? update : undefined;
  }
}

const owner = {
  secret: (id: string) => secretOwner('workspace', id, 'notificationSecret'),
  previous: (id: string) => secretOwner('workspace', id, 'previousNotificationSecret'),
};
