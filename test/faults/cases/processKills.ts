// A process of the stack SIGKILLed in the middle of a burst, then started again on the same port and
// the same data: Herald's worker, its API, the Temporal dev server, FerretDB (alone, on a PostgreSQL
// that stays up), and PostgreSQL (its whole process group, as in a crash; FerretDB stays up).
import { sleep } from '../client';
import type { CaseRun, FaultCase } from '../caseKit';
import type { Role } from '../stack';

const EVENT = 'fault.kill';

interface KillSpec {
  name: string;
  title: string;
  role: Role;
  /** The kill comes once a third of the events are answered 202, or a third of the deliveries received. */
  after: 'accepted' | 'received';
  /** How long the process stays dead before it is started again. */
  downMs: number;
}

function killCase(spec: KillSpec): FaultCase {
  return {
    name: spec.name,
    title: spec.title,
    needsOwnServers: spec.role !== 'worker' && spec.role !== 'api',
    deadlineSeconds: (sizes) => 90 + sizes.killEvents / 5,
    async run(run: CaseRun) {
      const { sizes, stack, client } = run.ctx;
      const ws = await run.workspace('main', [EVENT]);
      const receiver = await run.receiver();
      await client.createWebhook(ws, { name: spec.name, url: receiver.url, events: [EVENT] });

      const count = sizes.killEvents;
      const third = Math.ceil(count / 3);
      void run.ingest({ ws, eventType: EVENT, count, concurrency: 8 });
      await run.until(`a third of the ${spec.after === 'accepted' ? 'events answered 202' : 'deliveries received'}`, () =>
        spec.after === 'accepted' ? run.accepted >= third : run.tally.receivedCount >= third,
      );

      const pid = stack.pid(spec.role);
      const killedAt = Date.now();
      run.faultAt = killedAt;
      await stack.kill(spec.role);
      const when = `${run.accepted}/${count} events answered 202, ${run.tally.receivedCount} delivered`;
      run.say(`SIGKILL ${spec.role} pid ${pid} at ${when}`);
      run.notes.push(`SIGKILL ${spec.role} at ${when}`);
      await sleep(spec.downMs);
      await stack.restart(spec.role);
      const down = (Date.now() - killedAt) / 1000;
      run.say(`${spec.role} back (pid ${stack.pid(spec.role)}) after ${down.toFixed(1)} s`);
      run.notes.push(`${spec.role} back after ${down.toFixed(1)} s`);
      await run.settle(5_000);
    },
  };
}

export const processKillCases: FaultCase[] = [
  killCase({
    name: 'worker-kill',
    title: 'the worker SIGKILLed mid-burst, then started again',
    role: 'worker',
    after: 'received',
    downMs: 1_000,
  }),
  killCase({
    name: 'api-kill',
    title: 'the API SIGKILLed mid-ingest, then started again; unanswered events are posted again with their ids',
    role: 'api',
    after: 'accepted',
    downMs: 1_000,
  }),
  killCase({
    name: 'temporal-kill',
    title: 'the Temporal dev server SIGKILLed mid-burst, then started again on its SQLite file',
    role: 'temporal',
    after: 'accepted',
    downMs: 3_000,
  }),
  killCase({
    name: 'ferretdb-kill',
    title: 'FerretDB SIGKILLed mid-burst, then started again on the same PostgreSQL',
    role: 'ferretdb',
    after: 'accepted',
    downMs: 3_000,
  }),
  killCase({
    name: 'postgres-kill',
    title: "FerretDB's PostgreSQL SIGKILLed mid-burst (postmaster and backends), then started again on its data directory",
    role: 'postgres',
    after: 'accepted',
    downMs: 3_000,
  }),
];
