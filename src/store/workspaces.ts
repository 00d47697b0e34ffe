import { Collection, Db } from 'mongodb';
import { newId } from './ids';

export interface WorkspaceSettings {
  notificationUrl?: string;
  requireHttps: boolean;
  deactivation: { consecutiveFailures: number; minFailingSeconds: number };
}

export interface WorkspaceDoc {
  _id: string;
  name: string;
  settings: WorkspaceSettings;
  createdAt: Date;
  updatedAt: Date;
}

// SPEC section 6: a webhook is deactivated after 10 consecutive failures spanning 30 minutes.
export const DEFAULT_DEACTIVATION = { consecutiveFailures: 10, minFailingSeconds: 30 * 60 };

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
      settings: { requireHttps: false, deactivation: DEFAULT_DEACTIVATION, ...settings },
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
  async update(id: string, changes: { name?: string; settings?: { [K in keyof WorkspaceSettings]?: WorkspaceSettings[K] | null } }): Promise<WorkspaceDoc | null> {
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
