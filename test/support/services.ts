// Real servers for tests. The process, port and readiness code lives in scripts/dev/services.ts so
// that `npm run dev` uses the very same code; this module is what tests import.
export {
  assertToolsInstalled,
  freePort,
  repoRoot,
  startFerretDB,
  startTemporalDevServer,
  toolPaths,
  type FerretDBOptions,
  type FerretDBServer,
  type TemporalDevServer,
  type TemporalDevServerOptions,
} from '../../scripts/dev/services';

export interface TestServiceAddresses {
  /** host:port of the Temporal dev server started by globalSetup. */
  temporalAddress: string;
  /** mongodb://127.0.0.1:PORT/herald_test on the FerretDB started by globalSetup. */
  mongodbUrl: string;
}

/** Addresses of the servers that test/support/globalSetup.ts started for this jest run. */
export function testServices(): TestServiceAddresses {
  const { HERALD_TEST_SERVICES, TEMPORAL_ADDRESS, MONGODB_URL } = process.env;
  if (HERALD_TEST_SERVICES !== '1' || !TEMPORAL_ADDRESS || !MONGODB_URL) {
    throw new Error(
      'Test servers are not running: put this test under test/workflows/ or test/integration/ ' +
        '(the jest "services" project, whose globalSetup starts Temporal and FerretDB).',
    );
  }
  return { temporalAddress: TEMPORAL_ADDRESS, mongodbUrl: MONGODB_URL };
}
