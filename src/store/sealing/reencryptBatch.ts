// One batch of `npm run secrets:reencrypt` over a collection: records read in `_id` order, and
// each one whose secrets need it rewritten, only over the values just read (every API write moves
// `updatedAt`): a record changed meanwhile was written under the current key anyway, or is
// counted as missed and left to the next run.
import type { Collection, Filter, UpdateFilter } from 'mongodb';

/** One batch of the re-encryption: how many records were read and rewritten, and where to go on. */
export interface ReencryptBatch {
  scanned: number;
  rewritten: number;
  /** Records changed by someone else between the read and the write: left for the next run. */
  missed: number;
  lastId: string | undefined;
}

interface Reencryptable {
  _id: string;
  updatedAt: Date;
}

/** `updateOf` gives the update that re-seals one record, or undefined when it needs none. */
export async function reencryptBatch<T extends Reencryptable>(
  collection: Collection<T>,
  afterId: string | undefined,
  limit: number,
  updateOf: (doc: T) => UpdateFilter<T> | undefined,
): Promise<ReencryptBatch> {
  const after = (afterId === undefined ? {} : { _id: { $gt: afterId } }) as Filter<T>;
  const docs = (await collection.find(after).sort({ _id: 1 }).limit(limit).toArray()) as T[];
  const batch: ReencryptBatch = { scanned: docs.length, rewritten: 0, missed: 0, lastId: docs.at(-1)?._id };
  for (const doc of docs) {
    const update = updateOf(doc);
    if (!update) continue;
    const result = await collection.updateOne({ _id: doc._id, updatedAt: doc.updatedAt } as Filter<T>, update);
    if (result.modifiedCount === 1) batch.rewritten += 1;
    else batch.missed += 1;
  }
  return batch;
}
