// The shape of Herald's ids, pure so that workflow code can make one from workflow time.

/**
 * Ids sort by creation time (ms timestamp, base36, fixed width) so cursor pagination is a plain
 * `_id > cursor` range scan that MongoDB and FerretDB both serve from the _id index.
 */
export function timeOrderedId(prefix: string, atMs: number, randomHex: string): string {
  return `${prefix}_${atMs.toString(36).padStart(9, '0')}${randomHex}`;
}
