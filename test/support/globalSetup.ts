// Jest globalSetup of the "services" project: one Temporal dev server and one FerretDB for the
// whole run, on free ports, in a throw-away directory. Workers inherit the env set here.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertToolsInstalled, startFerretDB, startTemporalDevServer } from '../../scripts/dev/services';
import type { FerretDBServer, TemporalDevServer } from '../../scripts/dev/services';

export interface HeraldTestServices {
  dataDir: string;
  temporal: TemporalDevServer;
  ferretdb: FerretDBServer;
}

declare global {
  // Read by globalTeardown.ts, which runs in the same process.

  var __heraldTestServices: HeraldTestServices | undefined;
}

// HERALD_TEST_LOGS=1 streams the servers' output, for debugging a failing run.
const log = (name: string) => (process.env.HERALD_TEST_LOGS === '1' ? (line: string) => process.stderr.write(`[${name}] ${line}\n`) : undefined);

export default async function globalSetup(): Promise<void> {
  try {
    assertToolsInstalled(['temporal', 'ferretdb', 'postgres']);
  } catch (error) {
    throw new Error(`Cannot start the test servers. ${(error as Error).message}`);
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'herald-test-'));
  const [temporal, ferretdb] = await Promise.allSettled([
    startTemporalDevServer({ dataDir: path.join(dataDir, 'temporal'), log: log('temporal') }),
    startFerretDB({ dataDir: path.join(dataDir, 'ferretdb'), log: log('ferretdb') }),
  ]);
  if (temporal.status === 'rejected' || ferretdb.status === 'rejected') {
    await Promise.all([temporal, ferretdb].map((started) => (started.status === 'fulfilled' ? started.value.stop() : Promise.resolve())));
    rmSync(dataDir, { recursive: true, force: true });
    const reasons = [temporal, ferretdb].flatMap((started) => (started.status === 'rejected' ? [String(started.reason)] : []));
    throw new Error(`Cannot start the test servers.\n${reasons.join('\n')}`);
  }

  process.env.TEMPORAL_ADDRESS = temporal.value.address;
  process.env.TEMPORAL_NAMESPACE = 'default';
  process.env.MONGODB_URL = `${ferretdb.value.url}/herald_test`;
  process.env.HERALD_TEST_SERVICES = '1';
  globalThis.__heraldTestServices = { dataDir, temporal: temporal.value, ferretdb: ferretdb.value };
}
