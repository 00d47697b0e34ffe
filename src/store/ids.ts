import { randomBytes } from 'node:crypto';

// Ids sort by creation time (ms timestamp, base36, fixed width) so cursor pagination is a
// plain `_id > cursor` range scan that MongoDB and FerretDB both serve from the _id index.
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  return `${prefix}_${time}${randomBytes(8).toString('hex')}`;
}

export function newSecretToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
