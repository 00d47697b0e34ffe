// Re-encryption of every secret at rest under the current key: after a key rotation, so the old
// key can be dropped, and once after upgrading, so secrets written before encryption are sealed.
// Bounded batches, in _id order; idempotent: a second run finds nothing to rewrite.
import type { Store } from '../store';
import type { ReencryptBatch } from '../store/sealing/reencryptBatch';

/** Records read per query; each rewritten record is one more write. */
export const REENCRYPT_BATCH_SIZE = 200;

export interface ReencryptCounts {
  scanned: number;
  rewritten: number;
  /** Changed by someone else while the command ran: run it again to cover them. */
  missed: number;
}

export interface ReencryptReport {
  webhooks: ReencryptCounts;
  workspaces: ReencryptCounts;
}

type BatchReader = (afterId: string | undefined, limit: number) => Promise<ReencryptBatch>;

export async function reencryptSecrets(store: Store, batchSize = REENCRYPT_BATCH_SIZE): Promise<ReencryptReport> {
  return {
    webhooks: await everyBatch((after, limit) => store.webhooks.reencryptBatch(after, limit), batchSize),
    workspaces: await everyBatch((after, limit) => store.workspaces.reencryptBatch(after, limit), batchSize),
  };
}

async function everyBatch(read: BatchReader, batchSize: number): Promise<ReencryptCounts> {
  const counts: ReencryptCounts = { scanned: 0, rewritten: 0, missed: 0 };
  let after: string | undefined;
  for (;;) {
    const batch = await read(after, batchSize);
    counts.scanned += batch.scanned;
    counts.rewritten += batch.rewritten;
    counts.missed += batch.missed;
    if (batch.scanned < batchSize || batch.lastId === undefined) return counts;
    after = batch.lastId;
  }
}
