import { randomBytes } from 'node:crypto';
import { timeOrderedId } from '../core/ids';

export function newId(prefix: string): string {
  return timeOrderedId(prefix, Date.now(), randomBytes(8).toString('hex'));
}

export function newSecretToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
