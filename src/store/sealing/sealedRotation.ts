// Rotating a sealed secret with a grace period, for a webhook's signing secret and a workspace's
// notification secret alike: the new value replaces the current one, which is kept, sealed under
// its own field, until `expiresAt` (no grace: dropped at once). The write applies only while the
// stored secret is still the one read, so on MongoDB two rotations at once cannot keep a stale
// previous one; the loser reads again. On FerretDB v1 it may (docs/reliability.md, Known limits).
import type { Collection, Document, Filter, UpdateFilter } from 'mongodb';
import type { Sealed, StoredSecret } from '../../security/secretBox';

const ROTATION_TRIES = 3;

/** A filter that matches only while the value at `field` is still `secret` (a fresh IV marks each seal). */
export function stillStoredAs(field: string, secret: StoredSecret | undefined): Record<string, unknown> {
  if (secret === undefined) return { [field]: { $exists: false } };
  if (typeof secret === 'string') return { [field]: secret };
  return { [`${field}.iv`]: secret.iv };
}

export interface SealedRotation<T extends Document> {
  collection: Collection<T>;
  /** The record to rotate in; null from the rotation when none matches. */
  filter: Filter<T>;
  /** Where the current secret is stored, and where the previous one goes (dotted paths). */
  field: string;
  previousField: string;
  currentOf(doc: T): StoredSecret | undefined;
  /** The new secret, sealed for `field`. */
  next: Sealed;
  /** The current secret, opened and sealed again for `previousField`. */
  asPrevious(current: StoredSecret): Sealed;
  /** Until when the previous secret signs; undefined for no grace. */
  expiresAt: Date | undefined;
  now: Date;
}

export async function rotateSealed<T extends Document>(rotation: SealedRotation<T>): Promise<T | null> {
  const { collection, filter, field, previousField, expiresAt, now } = rotation;
  for (let tries = 0; tries < ROTATION_TRIES; tries += 1) {
    const doc = (await collection.findOne(filter)) as T | null;
    if (!doc) return null;
    const current = rotation.currentOf(doc);
    const set: Record<string, unknown> = { [field]: rotation.next, updatedAt: now };
    const keepsPrevious = current !== undefined && expiresAt !== undefined;
    if (keepsPrevious) set[previousField] = { secret: rotation.asPrevious(current), expiresAt };
    // Dotted paths into the record: the driver cannot type them.
    const update = (keepsPrevious ? { $set: set } : { $set: set, $unset: { [previousField]: '' } }) as UpdateFilter<T>;
    const rotated = await collection.findOneAndUpdate({ ...filter, ...stillStoredAs(field, current) }, update, { returnDocument: 'after' });
    if (rotated) return rotated as T;
  }
  throw new Error(`the secret at ${field} kept changing during its rotation`);
}
