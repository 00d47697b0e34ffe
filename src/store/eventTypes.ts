import { Collection, Db } from 'mongodb';
import { familyOf } from '../core/eventTypes';

export interface EventTypeDoc {
  _id: string; // `${workspaceId}/${name}`
  workspaceId: string;
  name: string;
  description: string;
  family: string;
  createdAt: Date;
}

export class EventTypeRepository {
  private readonly collection: Collection<EventTypeDoc>;

  constructor(db: Db) {
    this.collection = db.collection<EventTypeDoc>('eventTypes');
  }

  /** Creates or replaces a catalog entry. */
  async upsert(workspaceId: string, entry: { name: string; description?: string; family?: string }): Promise<EventTypeDoc> {
    const doc: EventTypeDoc = {
      _id: `${workspaceId}/${entry.name}`,
      workspaceId,
      name: entry.name,
      description: entry.description ?? '',
      family: entry.family ?? familyOf(entry.name),
      createdAt: new Date(),
    };
    await this.collection.replaceOne({ _id: doc._id }, doc, { upsert: true });
    return doc;
  }

  list(workspaceId: string): Promise<EventTypeDoc[]> {
    return this.collection.find({ workspaceId }).sort({ name: 1 }).toArray();
  }

  async existing(workspaceId: string, names: string[]): Promise<Set<string>> {
    const docs = await this.collection.find({ workspaceId, name: { $in: names } }).toArray();
    return new Set(docs.map((doc) => doc.name));
  }
}
