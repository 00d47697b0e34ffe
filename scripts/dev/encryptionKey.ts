// `npm run dev` needs no setup: its encryption key is generated on the first start into the data
// directory, readable by its owner only, and read back on every later start, so the secrets
// already stored there stay readable.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateKeySpec } from '../../src/security/keyring';

export const DEV_KEY_FILE = 'encryption-key';

/** The HERALD_ENCRYPTION_KEY value kept in `dataDir`, created on first use. */
export function devEncryptionKey(dataDir: string): string {
  const file = path.join(dataDir, DEV_KEY_FILE);
  const existing = readIfPresent(file);
  if (existing !== undefined) return existing;
  try {
    writeFileSync(file, `${generateKeySpec('dev')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Read back, so two starts racing for the first key agree on the one that was written.
  return readIfPresent(file) as string;
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
