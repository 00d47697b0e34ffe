// `npm run test:faults`: the fault suite against the real stack, driven through Herald's REST API.
// It starts Temporal, FerretDB (on PostgreSQL), the API and a worker as separate processes with
// their data under .data/faults/<timestamp>/, runs every case (or those named by --case), prints
// one row per case — events in, receipts, duplicates, lost — and saves the table as JSON and
// markdown beside that directory. Exit code 0 when every case passed, 1 when one did not, 2 when the
// stack could not start.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { assertToolsInstalled, liveProcesses, repoRoot } from '../../scripts/dev/services';
import { FULL_SIZES, QUICK_SIZES, runCase, type CaseContext, type CaseOutcome } from './caseKit';
import { selectCases } from './cases';
import { HeraldClient } from './client';
import { machine, notesOf, rowOf, save, table, type SuiteReport } from './report';
import { FaultStack } from './stack';

const USAGE = `npm run test:faults [-- options]
  --quick         small counts (a smoke run of a few minutes)
  --case NAME     only this case, or the cases starting with NAME (repeatable, or comma-separated)
  --keep-data     keep the servers' data directory after the run (logs are always kept)
  --help          this text`;

interface Options {
  quick: boolean;
  cases: string[];
  keepData: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, cases: [], keepData: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--keep-data') options.keepData = true;
    else if (arg === '--case' || arg.startsWith('--case=')) {
      const value = arg === '--case' ? argv[++i] : arg.slice('--case='.length);
      if (!value) throw new Error('--case needs a name');
      options.cases.push(...value.split(',').filter(Boolean));
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`Unknown option ${arg}\n${USAGE}`);
  }
  return options;
}

const say = (line: string): void => {
  console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
};

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const cases = selectCases(options.cases);
  const root = repoRoot();
  assertToolsInstalled(['temporal', 'ferretdb', 'postgres']);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const faultsDir = path.join(root, '.data', 'faults');
  const dir = path.join(faultsDir, stamp);
  mkdirSync(dir, { recursive: true });
  say(`fault suite (${options.quick ? 'quick' : 'full'}): ${cases.map((fault) => fault.name).join(', ')}`);
  say(`data and logs in ${path.relative(root, dir)}/`);

  let stack: FaultStack;
  try {
    stack = await FaultStack.start({ root, dir, say });
  } catch (error) {
    say(`the stack could not start: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const stopAll = onInterrupt(stack);
  const client = new HeraldClient(stack.apiUrl, stack.adminKey);
  const ctx: CaseContext = { stack, client, sizes: options.quick ? QUICK_SIZES : FULL_SIZES, runTag: randomBytes(3).toString('hex'), say };
  const outcomes: CaseOutcome[] = [];
  try {
    for (const fault of cases) {
      const outcome = await runCase(ctx, fault);
      outcomes.push(outcome);
      const row = rowOf(outcome);
      say(
        `[${row.case}] ${row.passed ? 'ok' : 'FAIL'}: ${row.eventsIn} events in, ${row.receipts}/${row.deliveries} received, ` +
          `${row.duplicates} duplicates, ${row.lost} lost, ${row.requests} requests, ${row.seconds} s`,
      );
    }
  } finally {
    // Late arrivals and duplicates count until here; then the receivers close.
    await Promise.all(outcomes.flatMap((outcome) => outcome.receivers.map((receiver) => receiver.close())));
    await client.close();
    say('stopping the stack');
    await stack.stop();
    stopAll();
  }

  const rows = outcomes.map(rowOf);
  const report: SuiteReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    command: `npm run test:faults${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: machine(),
    settings: Object.fromEntries(Object.entries(process.env).filter(([name]) => /^HERALD_MAX_IN_FLIGHT|^HERALD_WORKER_/.test(name))) as Record<string, string>,
    passed: rows.every((row) => row.passed),
    cases: rows,
  };
  const base = path.join(faultsDir, stamp);
  save(report, base);
  copyFileSync(`${base}.md`, path.join(faultsDir, 'latest.md'));
  copyFileSync(`${base}.json`, path.join(faultsDir, 'latest.json'));
  if (!options.keepData) {
    for (const name of ['temporal', 'ferretdb', 'workflow-bundle.js']) rmSync(path.join(dir, name), { recursive: true, force: true });
  }

  console.log(`\n${table(rows)}\n\n${notesOf(rows)}\n`);
  say(
    `${report.passed ? 'every case passed' : 'FAILED'}; saved ${path.relative(root, base)}.{json,md} (and latest.{json,md}); logs in ${path.relative(root, dir)}/logs/`,
  );
  return report.passed ? 0 : 1;
}

/** Ctrl-C stops the stack in order; a second one more than 2 s later kills everything at once. */
function onInterrupt(stack: FaultStack): () => void {
  let first: number | undefined;
  const handler = (): void => {
    if (first === undefined) {
      first = Date.now();
      say('interrupted: stopping the stack (Ctrl-C again to kill it)');
      void stack.stop().finally(() => process.exit(130));
    } else if (Date.now() - first > 2_000) {
      for (const proc of liveProcesses()) proc.kill();
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
