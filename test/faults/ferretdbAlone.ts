// FerretDB restarted on its own, on the PostgreSQL it was running on: the fault suite kills FerretDB's
// process alone, so that its backend keeps every committed write and only the wire-protocol server is gone.
import { MongoClient } from 'mongodb';
import { startReady } from '../../scripts/dev/processes';
import { toolPaths, type LineLogger, type ManagedProcess } from '../../scripts/dev/services';

/**
 * FerretDB alone, on a PostgreSQL that is already running: what startFerretDB (scripts/dev/services.ts)
 * does after starting PostgreSQL, with the same flags. src/ has no export for this step.
 */
export async function startFerretDBAlone(postgresUrl: string, port: number, stateDir: string, log: LineLogger): Promise<ManagedProcess> {
  const url = `mongodb://127.0.0.1:${port}`;
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('FERRETDB_')));
  return startReady(
    {
      name: 'ferretdb',
      command: toolPaths().ferretdb,
      args: [
        '--handler=postgresql',
        `--postgresql-url=${postgresUrl}`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${stateDir}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=error',
      ],
      env,
      log,
      detached: true,
    },
    'answer to ping',
    async () => {
      const client = new MongoClient(url, { directConnection: true, serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000 });
      try {
        await client.db('admin').command({ ping: 1 });
      } finally {
        await client.close();
      }
    },
    30_000,
  );
}
