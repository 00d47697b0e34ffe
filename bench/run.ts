// `npm run bench`: starts the embedded stack (or uses --existing), measures the two ceilings and
// Herald, writes bench/results/<timestamp>.{json,md,svg,log}, prints the ratios and a verdict per
// target, and always stops what it started: on success, on a failure, and on Ctrl-C.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../scripts/dev/services';
import { ceilingA, ceilingB } from './ceilings';
import { renderChart } from './chart';
import type { BenchContext } from './context';
import { fillEngine } from './engineFill';
import { phaseLine, runHeraldPhase, warmUp, type HeraldPhaseResult } from './herald';
import { historyPerDelivery } from './history';
import { mib, RssSampler } from './memory';
import { HELP, parseOptions, type BenchOptions, type PhaseName } from './options';
import { stopAllBars } from './progress';
import { BenchReceiver } from './receiver';
import { consoleSummary, markdownReport } from './report';
import type { BenchResults } from './results';
import { evaluateTargets } from './targets';
import { seedDeliveries } from './seed';
import { existingStack, stackLog, startEmbeddedStack, type Stack } from './stack';
import { round } from './util';
import { waitingDeliveries } from './waiting';

const say = (line: string): void => {
  process.stdout.write(`[bench] ${line}\n`);
};

let stack: Stack | undefined;
/** Set as soon as the embedded stack begins to start, so an interrupt then still cleans up. */
let starting: { stop: () => Promise<void>; kill: () => void } | undefined;
let receiver: BenchReceiver | undefined;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    stopAllBars();
    const stop = stack?.stop ?? starting?.stop;
    if (stop) {
      say('stopping the stack...');
      await stop();
    }
    await receiver?.close();
  })();
  return cleaning;
}

// One Ctrl-C can arrive several times (terminal, npm, tsx); a signal more than 2 s after the
// first means "stop waiting": everything is killed at once.
let firstSignalAt: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (firstSignalAt === undefined) {
      firstSignalAt = Date.now();
      stopAllBars();
      say(`${signal}: interrupted`);
      void cleanup().finally(() => process.exit(130));
    } else if (Date.now() - firstSignalAt > 2_000) {
      say(`${signal} again: killing everything now`);
      (stack?.kill ?? starting?.kill)?.();
      process.exit(130);
    }
  });
}

function serialisable(options: BenchOptions): Record<string, unknown> {
  return { ...options, phases: [...options.phases] };
}

async function main(): Promise<number> {
  const root = repoRoot(__dirname);
  const parsed = parseOptions(process.argv.slice(2), root);
  if (parsed === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const options = parsed;
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    options: serialisable(options),
    machine: { cpus: os.cpus().length, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
    stack: { embedded: !options.existing, apiUrl: options.existing ?? '', workers: options.workers, apiRunsWorker: null, temporalArgs: options.temporalArgs },
    phases: {},
    memory: { peakRssMiB: {}, highWaterMiB: {}, peakPssMiB: {} },
    ratios: {},
    targets: [],
    failures: [],
  };

  receiver = new BenchReceiver();
  await receiver.start();
  say(`receiver on ${receiver.origin}`);
  stack = options.existing
    ? await existingStack({ apiUrl: options.existing, adminKey: options.adminKey, temporalAddress: options.temporalAddress, mongodbUrl: options.mongodbUrl })
    : await startEmbeddedStack(root, say, { workers: options.workers, temporalArgs: options.temporalArgs }, (stop, kill) => {
        starting = { stop, kill };
      });
  results.stack.apiUrl = stack.apiUrl;
  results.stack.apiRunsWorker = stack.apiRunsWorker ?? null;
  const sampler = stack.embedded ? new RssSampler(() => stack?.roles() ?? []) : undefined;
  sampler?.start();
  const ctx: BenchContext = { options, stack, receiver, sampler, say };
  const live: Stack = stack;

  /** Runs one phase if selected; a failure is recorded and the run goes on unless the stack died. */
  const phase = async (name: PhaseName, needs: string | undefined, body: () => Promise<void>): Promise<void> => {
    if (!options.phases.has(name)) return;
    if (needs) {
      say(`${name}: skipped (${needs})`);
      return;
    }
    try {
      await body();
    } catch (error) {
      stopAllBars();
      const message = error instanceof Error ? error.message : String(error);
      results.failures.push({ phase: name, error: message });
      say(`${name} failed: ${message}`);
      live.assertAlive(); // a dead stack ends the run; the results so far are still written
    }
  };
  const report = (result: HeraldPhaseResult) => say(phaseLine(result));

  try {
    await phase('ceiling-a', undefined, async () => {
      results.ceilingA = await ceilingA(ctx);
      say(`ceiling A: ${results.ceilingA.perSecond} requests/s`);
    });
    await phase('ceiling-b', live.temporalAddress ? undefined : 'needs --temporal-address', async () => {
      results.ceilingB = await ceilingB(ctx, live.temporalAddress as string);
      const { eager, plain } = results.ceilingB;
      say(
        `ceiling B: ${eager.perSecond} workflows/s (eager start, ${round(eager.eagerShare * 100)} % eager, with attributes); without eager start or attributes: ${plain.perSecond}/s`,
      );
    });

    const heraldPhases: PhaseName[] = ['full', 'high', 'half', 'busy', 'hanging', 'fanout', 'seeded', 'grown'];
    if (options.warmup > 0 && heraldPhases.some((name) => options.phases.has(name))) await warmUp(ctx, options.warmup);

    await phase('full', undefined, async () => {
      results.phases.full = await runHeraldPhase(ctx, {
        label: `fan-out 1, ${options.concurrency} clients`,
        channel: 'full',
        fanout: 1,
        events: options.events,
        concurrency: options.concurrency,
      });
      report(results.phases.full);
    });
    await phase('high', undefined, async () => {
      results.phases.high = await runHeraldPhase(ctx, {
        label: `fan-out 1, ${options.highConcurrency} clients`,
        channel: 'high',
        fanout: 1,
        events: options.highEvents,
        concurrency: options.highConcurrency,
      });
      report(results.phases.high);
    });
    const halfRate = options.rate ?? (results.phases.full ? results.phases.full.deliveriesPerSecond / 2 : undefined);
    await phase('half', halfRate && Number.isFinite(halfRate) ? undefined : 'needs the full phase or --rate', async () => {
      const rate = round(halfRate as number, 1);
      results.phases.half = await runHeraldPhase(ctx, {
        label: `fan-out 1, paced ${rate}/s`,
        channel: 'half',
        fanout: 1,
        events: options.events,
        concurrency: options.concurrency,
        rate,
      });
      report(results.phases.half);
    });
    const busyRate = results.phases.full ? results.phases.full.deliveriesPerSecond * 0.75 : undefined;
    await phase('busy', busyRate && Number.isFinite(busyRate) ? undefined : 'needs the full phase', async () => {
      const rate = round(busyRate as number, 1);
      results.phases.busy = await runHeraldPhase(ctx, {
        label: `fan-out 1, paced ${rate}/s (75 % of full)`,
        channel: 'busy',
        fanout: 1,
        events: options.events,
        concurrency: options.concurrency,
        rate,
      });
      report(results.phases.busy);
    });
    await phase('hanging', undefined, async () => {
      results.phases.hanging = await runHeraldPhase(ctx, {
        label: `fan-out 1, ${options.concurrency} clients, beside a receiver that hangs ${options.hangSeconds} s`,
        channel: 'hanging',
        fanout: 1,
        events: options.events,
        concurrency: options.concurrency,
        beside: { rate: options.hangRate, hangMs: options.hangSeconds * 1000 },
      });
      const side = results.phases.hanging.hanging;
      report(results.phases.hanging);
      if (side)
        say(
          `  beside it: ${side.accepted} events at ${side.rate}/s to a receiver holding ${side.hangMs / 1000} s; ${side.arrived} requests reached it meanwhile`,
        );
    });
    await phase('fanout', undefined, async () => {
      results.phases.fanout = await runHeraldPhase(ctx, {
        label: `fan-out ${options.fanout}, ${options.concurrency} clients`,
        channel: 'fanout',
        fanout: options.fanout,
        events: options.fanoutEvents,
        concurrency: options.concurrency,
      });
      report(results.phases.fanout);
    });
    await phase('history', live.temporalAddress ? undefined : 'needs --temporal-address', async () => {
      results.history = await historyPerDelivery(ctx, live.temporalAddress as string);
      say(
        `history: ${results.history.historyEventsPerDelivery} events per first-try delivery (${results.history.workflowExecutions} executions for ${results.history.events} events)`,
      );
    });
    await phase('seeded', live.mongodbUrl ? undefined : 'needs --mongodb-url', async () => {
      results.seed = await seedDeliveries(live.mongodbUrl as string, options.seed, performance.now() + options.duration * 4 * 1000);
      say(`seeded ${results.seed.deliveries} deliveries in ${results.seed.seconds} s`);
      results.phases.seeded = await runHeraldPhase(ctx, {
        label: `fan-out 1, ${options.concurrency} clients, ${options.seed} stored`,
        channel: 'seeded',
        fanout: 1,
        events: options.events,
        concurrency: options.concurrency,
      });
      report(results.phases.seeded);
      if (results.phases.full) results.seededRatio = round(results.phases.seeded.deliveriesPerSecond / results.phases.full.deliveriesPerSecond, 3);
    });
    await phase('grown', live.temporalAddress ? undefined : 'needs --temporal-address', async () => {
      const fill = await fillEngine(ctx, live.temporalAddress as string, options.engineFill);
      results.engineFill = fill;
      say(`engine filled with ${fill.completed} workflows in ${fill.seconds} s (${fill.perSecond}/s)`);
      results.phases.grown = await runHeraldPhase(ctx, {
        label: `fan-out 1, ${options.concurrency} clients, ${fill.completed} more workflows in the engine`,
        channel: 'grown',
        fanout: 1,
        events: options.events,
        concurrency: options.concurrency,
      });
      report(results.phases.grown);
      if (results.phases.full) results.grownRatio = round(results.phases.grown.deliveriesPerSecond / results.phases.full.deliveriesPerSecond, 3);
    });
    await phase('waiting', live.embedded ? undefined : 'needs the embedded stack for process memory', async () => {
      results.waiting = await waitingDeliveries(ctx);
      const w = results.waiting;
      const rss = (['worker', 'api'] as const)
        .filter((role) => w.small.rssMiB[role] !== undefined)
        .map((role) => `${role} ${w.small.rssMiB[role]} → ${w.large.rssMiB[role]} MiB`);
      say(`waiting: ${rss.join(', ')}; retried ${w.completed}/${w.retried}`);
    });
  } catch (error) {
    stopAllBars();
    const message = error instanceof Error ? error.message : String(error);
    results.failures.push({ phase: 'run', error: message });
    say(`run stopped: ${message}`);
  }

  if (sampler) {
    const highWater = sampler.highWaterKb();
    sampler.stop();
    results.memory.peakRssMiB = Object.fromEntries(Object.entries(sampler.peakKb).map(([role, kb]) => [role, mib(kb)]));
    results.memory.highWaterMiB = Object.fromEntries(Object.entries(highWater).map(([role, kb]) => [role, mib(kb)]));
    results.memory.peakPssMiB = Object.fromEntries(Object.entries(sampler.peakPssKb).map(([role, kb]) => [role, mib(kb)]));
  }
  const full = results.phases.full;
  if (full && results.ceilingA) results.ratios.heraldOverCeilingA = round(full.deliveriesPerSecond / results.ceilingA.perSecond, 4);
  if (full && results.ceilingB) results.ratios.heraldOverCeilingB = round(full.deliveriesPerSecond / results.ceilingB.eager.perSecond, 4);
  results.targets = evaluateTargets(results);
  results.finishedAt = new Date().toISOString();

  mkdirSync(options.outDir, { recursive: true });
  const base = path.join(options.outDir, stamp);
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.md`, `${markdownReport(results)}\n`);
  writeFileSync(`${base}.log`, `${stackLog.join('\n')}\n`);
  const charted = Object.values(results.phases).filter((p): p is HeraldPhaseResult => p !== undefined);
  try {
    writeFileSync(`${base}.svg`, await renderChart(charted, `Herald benchmark ${results.startedAt}`));
  } catch (error) {
    say(`chart not drawn: ${(error as Error).message}`);
  }
  process.stdout.write(`${consoleSummary(results)}\n\n`);
  say(`results: ${path.relative(process.cwd(), base)}.{json,md,svg,log}`);
  // A missed target is a finding, not a broken run: only a phase that failed makes the exit non-zero.
  return results.failures.length > 0 ? 1 : 0;
}

main().then(
  async (code) => {
    await cleanup();
    process.exit(code);
  },
  async (error: unknown) => {
    stopAllBars();
    say(error instanceof Error ? error.message : String(error));
    await cleanup();
    process.exit(2);
  },
);
