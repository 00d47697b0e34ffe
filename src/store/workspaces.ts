import { Collection, Db } from 'mongodb';
import { DEFAULT_DEACTIVATION } from '../policy/health';
import { newId } from './ids';
import type { WebhookDeactivation } from './webhooks';

export interface WorkspaceSettings {
  notificationUrl?: string;
  /** Signs the notifications sent to notificationUrl; write-only. */
  notificationSecret?: string;
  requireHttps: boolean;
  /** The workspace's deactivation rule and buffer window; a webhook may override each. */
  deactivation: WebhookDeactivation;
}

export interface WorkspaceDoc {
  _id: string;
  name: string;
  settings: WorkspaceSettings;
  createdAt: Date;
  updatedAt: Date;
}

export class WorkspaceRepository {
  private readonly collection: Collection<WorkspaceDoc>;

  constructor(db: Db) {
    this.collection = db.collection<WorkspaceDoc>('workspaces');
  }

  async create(name: string, settings: Partial<WorkspaceSettings> = {}): Promise<WorkspaceDoc> {
    const now = new Date();
    const doc: WorkspaceDoc = {
      _id: newId('ws'),
      name,
      settings: { requireHttps: false, deactivation: { ...DEFAULT_DEACTIVATION }, ...settings },
      createdAt: now,
      updatedAt: now,
    };
    await this.collection.insertOne(doc);
    return doc;
  }

  get(id: string): Promise<WorkspaceDoc | null> {
    return this.collection.findOne({ _id: id });
  }

  /** A setting given as null is removed (only `notificationUrl` is optional). */
  async update(
    id: string,
    changes: { name?: string; settings?: { [K in keyof WorkspaceSettings]?: WorkspaceSettings[K] | null } },
  ): Promise<WorkspaceDoc | null> {
    const set: Record<string, unknown> = { updatedAt: new Date() };
    const unset: Record<string, ''> = {};
    if (changes.name !== undefined) set.name = changes.name;
    for (const [key, value] of Object.entries(changes.settings ?? {})) {
      if (value === null) unset[`settings.${key}`] = '';
      else if (value !== undefined) set[`settings.${key}`] = value;
    }
    const update = Object.keys(unset).length ? { $set: set, $unset: unset } : { $set: set };
    return this.collection.findOneAndUpdate({ _id: id }, update, { returnDocument: 'after' });
  }
}
