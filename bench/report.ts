// The run's results as a Markdown table of every figure, with the ratios to the two ceilings and
// the verdict per target, and the short summary printed at the end.
import type { CeilingResult } from './ceilings';
import type { CpuFigures, CpuUse } from './cpu';
import type { EngineOperations, WindowEngine } from './engine';
import { errorsText, fmt } from './format';
import type { HeraldPhaseResult } from './herald';
import type { BenchResults } from './results';

function phaseRows(phases: HeraldPhaseResult[]): string[] {
  const rows = [
    '| phase | loop | clients / rate | fan-out | events sent / 202 | ingests/s | deliveries/s | p50 ms | p95 ms | p99 ms | max ms | ingest p99 ms | errors | lost | duplicates | seconds |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const p of phases) {
    rows.push(
      `| ${p.label} | ${p.mode} | ${p.rate === null ? `${p.concurrency} clients` : `${fmt(p.rate)} events/s`} | ${p.fanout} | ${p.sent} / ${p.accepted} | ` +
        `${fmt(p.ingestsPerSecond)} | **${fmt(p.deliveriesPerSecond)}** | ${fmt(p.latencyMs.p50)} | ${fmt(p.latencyMs.p95)} | ${fmt(p.latencyMs.p99)} | ${fmt(p.latencyMs.max)} | ` +
        `${fmt(p.ingestMs.p99)} | ${errorsText(p.errors)} | ${p.lost} | ${p.duplicates} | ${fmt(p.endToEndSeconds)} |`,
    );
  }
  return rows;
}

function ingestWindowRows(phases: HeraldPhaseResult[]): string[] {
  const rows = [
    '| phase | deliveries/s | during ingest: deliveries / s / per second | after ingest: deliveries / s / per second | event starts eager / started / existed | eager share | engine bytes growth MiB | engine bytes per event |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const p of phases) {
    const starts = p.eventStarts;
    const bytes = p.engineBytes;
    rows.push(
      `| ${p.label} | ${fmt(p.deliveriesPerSecond)} | ${p.duringIngest.deliveries} / ${fmt(p.duringIngest.seconds, 2)} / **${fmt(p.duringIngest.perSecond)}** | ` +
        `${p.afterIngest.deliveries} / ${fmt(p.afterIngest.seconds, 2)} / **${fmt(p.afterIngest.perSecond)}** | ` +
        `${starts ? `${starts.eager} / ${starts.started} / ${starts.existed}` : '–'} | ${starts ? `**${fmt(starts.eagerShare * 100)} %**` : '–'} | ` +
        `${bytes ? fmt(bytes.growthBytes / 2 ** 20, 2) : '–'} | ${bytes ? fmt(bytes.bytesPerEvent, 0) : '–'} |`,
    );
  }
  return rows;
}

/** Every window that read the engine's counters: ceiling-B variants, Herald phases, the retries of waiting deliveries. */
function engineWindows(results: BenchResults, phases: HeraldPhaseResult[]): Array<{ label: string; window: WindowEngine }> {
  const windows: Array<{ label: string; window: WindowEngine }> = [];
  if (results.ceilingB) {
    windows.push({ label: 'ceiling B, eager with attributes', window: results.ceilingB.eager });
    windows.push({ label: 'ceiling B, no eager, no attributes', window: results.ceilingB.plain });
  }
  for (const p of phases) windows.push({ label: p.label, window: p });
  if (results.waiting?.retryWindow) windows.push({ label: 'retries of waiting deliveries', window: results.waiting.retryWindow });
  return windows;
}

const TOP_OPERATIONS = 10;

function operationRows(e: EngineOperations): string[] {
  const per = (count: number) => fmt(count / Math.max(1, e.units), 2);
  const service = Object.entries(e.service.byOperation).slice(0, TOP_OPERATIONS);
  const persistence = Object.entries(e.persistence.byOperation).slice(0, TOP_OPERATIONS);
  const rows = [`| service/operation | per ${e.unit} | persistence operation | per ${e.unit} |`, '|---|---|---|---|'];
  for (let i = 0; i < Math.max(service.length, persistence.length); i++) {
    const [sName, sCount] = service[i] ?? ['', undefined];
    const [pName, pCount] = persistence[i] ?? ['', undefined];
    rows.push(`| ${sName} | ${sCount === undefined ? '' : per(sCount)} | ${pName} | ${pCount === undefined ? '' : per(pCount)} |`);
  }
  return rows;
}

function engineSection(results: BenchResults, phases: HeraldPhaseResult[]): string[] {
  const windows = engineWindows(results, phases).filter(
    (w): w is { label: string; window: WindowEngine & { engine: EngineOperations } } => w.window.engine !== undefined,
  );
  const failed = engineWindows(results, phases).filter((w) => w.window.readErrors?.length);
  if (windows.length === 0 && failed.length === 0) return [];
  const out = ['## Temporal operations', ''];
  if (windows.length > 0) {
    const services = [...new Set(windows.flatMap((w) => Object.keys(w.window.engine.service.byService)))].filter((s) =>
      ['frontend', 'history', 'matching'].includes(s),
    );
    out.push(
      `| window | per | ${services.map((s) => `${s} requests`).join(' | ')} | all service requests | persistence requests | visibility writes | eager executed / denied (server) | engine bytes per event |`,
      `|---|---|${services.map(() => '---').join('|')}|---|---|---|---|---|`,
    );
    for (const { label, window } of windows) {
      const e = window.engine;
      out.push(
        `| ${label} | ${e.units} ${e.unit === 'workflow' ? 'workflows' : 'deliveries'} | ${services.map((s) => fmt(e.perUnit[s] ?? 0, 2)).join(' | ')} | **${fmt(e.perUnit.serviceTotal, 2)}** | **${fmt(e.perUnit.persistence, 2)}** | ${fmt(e.perUnit.visibility, 2)} | ${e.eagerExecuted} / ${e.eagerDenied} | ${fmt(window.engineBytes?.bytesPerEvent, 0)} |`,
      );
    }
    out.push('');
    out.push(
      "Per delivery received (per workflow completed for ceiling B), from the dev server's Prometheus counters read when the window opened and closed, summed over every label combination: " +
        '`service_requests` by `service_name` (frontend, history, matching; gRPC requests each service served, internal ones included), ' +
        "`persistence_requests` (every service's calls to its store), `visibility_persistence_requests`, `workflow_eager_execution` and `…_denied`. " +
        "Everything the server did in the window counts, its own background work (namespace `temporal_system`, shard and queue upkeep) and the benchmark's reads included: ceiling B awaits every result (`PollWorkflowExecutionHistory`). " +
        "Engine bytes: growth of the dev server's SQLite files (temporal.db + -wal + -shm) per event accepted (per workflow started for ceiling B, per delivery retried for the retries).",
      '',
    );
    for (const { label, window } of windows) {
      const e = window.engine;
      out.push(`### ${label}`, '');
      const background = (e.service.byNamespace.temporal_system ?? 0) + (e.persistence.byNamespace.temporal_system ?? 0);
      out.push(
        `${e.units} ${e.unit === 'workflow' ? 'workflows' : 'deliveries'} in ${fmt(e.seconds)} s: ${e.service.total} service requests, ${e.persistence.total} persistence requests ` +
          `(${background} of them for namespace temporal_system), ${e.visibility.total} visibility writes ` +
          `(${Object.entries(e.visibility.byOperation)
            .map(([op, n]) => `${op} ${fmt(n / Math.max(1, e.units), 2)}`)
            .join(', ')} per ${e.unit}).`,
        '',
        ...operationRows(e),
        '',
      );
    }
  }
  for (const { label, window } of failed) out.push(`- ${label}: not all read — ${(window.readErrors ?? []).join('; ')}`);
  if (failed.length > 0) out.push('');
  return out;
}

function memoryRows(results: BenchResults, phases: HeraldPhaseResult[]): string[] {
  const roles = [...new Set([...Object.keys(results.memory.peakRssMiB), ...phases.flatMap((p) => Object.keys(p.peakRssMiB))])];
  if (roles.length === 0) return ['(no process handles: memory not measured)'];
  const rows = [`| peak RSS, MiB | ${roles.join(' | ')} |`, `|---|${roles.map(() => '---').join('|')}|`];
  for (const p of phases) rows.push(`| ${p.label} | ${roles.map((r) => fmt(p.peakRssMiB[r])).join(' | ')} |`);
  if (results.waiting) rows.push(`| waiting deliveries phase | ${roles.map((r) => fmt(results.waiting?.peakRssMiB[r])).join(' | ')} |`);
  rows.push(`| **whole run (250 ms samples)** | ${roles.map((r) => `**${fmt(results.memory.peakRssMiB[r])}**`).join(' | ')} |`);
  rows.push(`| whole run (VmHWM at the end) | ${roles.map((r) => fmt(results.memory.highWaterMiB[r])).join(' | ')} |`);
  rows.push(`| whole run, PSS (1 s samples) | ${roles.map((r) => fmt(results.memory.peakPssMiB[r])).join(' | ')} |`);
  return rows;
}

function cpuRows(results: BenchResults, phases: HeraldPhaseResult[]): string[] {
  const windows = [...phases.map((p) => ({ label: p.label, cpu: p.cpu })), { label: 'waiting deliveries phase', cpu: results.waiting?.cpu }].filter(
    (w): w is { label: string; cpu: CpuUse } => w.cpu !== undefined,
  );
  if (windows.length === 0) return ['(no process handles: CPU not measured)'];
  const roles = [...new Set(windows.flatMap((w) => Object.keys(w.cpu.byRole)))];
  const cells = (f: CpuFigures | undefined, bold = false): string => {
    const [cores, ms] = [fmt(f?.coresBusy, 2), fmt(f?.cpuMsPerDelivery, 2)];
    return bold ? `**${cores}** | **${ms}**` : `${cores} | ${ms}`;
  };
  const rows = [
    `| CPU by process | ${roles.map((r) => `${r} cores | ${r} ms/delivery`).join(' | ')} | total cores | total ms/delivery | seconds | deliveries |`,
    `|---|${[...roles, 'total'].map(() => '---|---').join('|')}|---|---|`,
  ];
  for (const w of windows) {
    rows.push(
      `| ${w.label} | ${roles.map((r) => cells(w.cpu.byRole[r])).join(' | ')} | ${cells(w.cpu.total, true)} | ${fmt(w.cpu.wallSeconds)} | ${w.cpu.deliveries ?? '–'} |`,
    );
  }
  return rows;
}

function topology(stack: BenchResults['stack']): string {
  const api = stack.apiRunsWorker === false ? 'API without a worker' : 'API with its own worker';
  const workers = stack.workers === 0 ? 'no separate worker process' : `${stack.workers} separate worker process${stack.workers === 1 ? '' : 'es'}`;
  const extra = stack.temporalArgs.length > 0 ? `; dev server also given \`${stack.temporalArgs.join(' ')}\`` : '';
  return `${api}, ${workers}${extra}`;
}

export function markdownReport(results: BenchResults): string {
  const phases = Object.values(results.phases).filter((p): p is HeraldPhaseResult => p !== undefined);
  const out: string[] = [];
  out.push(`# Herald benchmark, ${results.startedAt}`, '');
  out.push(
    `\`${results.command}\` — ${results.machine.cpus} CPUs, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}, ${results.stack.embedded ? `embedded stack (${topology(results.stack)})` : `existing stack at ${results.stack.apiUrl}`}.`,
    '',
  );
  out.push('## Targets', '', '| target | verdict | figures |', '|---|---|---|');
  for (const t of results.targets) out.push(`| ${t.name} | **${t.verdict}** | ${t.detail} |`);
  out.push('');
  if (results.failures.length > 0) {
    out.push('## Phases that failed', '');
    for (const f of results.failures) out.push(`- **${f.phase}**: ${f.error.split('\n')[0]}`);
    out.push('');
  }

  out.push('## Ceilings', '', '| ceiling | count | completed | per second | p50 ms | p99 ms | errors | eager starts |', '|---|---|---|---|---|---|---|---|');
  const ceilings: Array<CeilingResult & { eagerShare?: number; eagerlyStarted?: number }> = [
    results.ceilingA,
    results.ceilingB?.eager,
    results.ceilingB?.plain,
  ].filter((c): c is CeilingResult => c !== undefined);
  for (const c of ceilings)
    out.push(
      `| ${c.label} | ${c.count} | ${c.completed} | **${fmt(c.perSecond)}** | ${fmt(c.latencyMs.p50)} | ${fmt(c.latencyMs.p99)} | ${errorsText(c.errors)} | ` +
        `${c.eagerlyStarted === undefined ? '–' : `${c.eagerlyStarted} (${fmt((c.eagerShare ?? Number.NaN) * 100)} %)`} |`,
    );
  out.push('');
  if (results.ceilingB)
    out.push("Ceiling B is the first of its two rows (eager start with the event workflow's search attributes and memo); the targets use it.", '');
  out.push(
    `Herald deliveries/s (fan-out 1, full rate) ÷ ceiling A: **${fmt((results.ratios.heraldOverCeilingA ?? Number.NaN) * 100)} %**; ÷ ceiling B: **${fmt((results.ratios.heraldOverCeilingB ?? Number.NaN) * 100)} %**.`,
    '',
  );

  out.push('## Herald phases', '', ...phaseRows(phases), '');
  const side = results.phases.hanging?.hanging;
  if (side)
    out.push(
      `Beside "${results.phases.hanging?.label}": a webhook of another workspace got ${side.accepted} events at ${side.rate}/s, its receiver holding each request ${fmt(side.hangMs / 1000)} s ` +
        `(attempt timeout as long, no retries, never switched off); ${side.arrived} requests reached it while the fast webhook was measured.`,
      '',
    );
  out.push(
    'Latency: from sending the ingest POST to the receiver getting the delivery. Deliveries/s: deliveries received ÷ (last receipt − first ingest sent).',
    '',
  );
  if (phases.length > 0) {
    out.push('### During and after the ingest window', '', ...ingestWindowRows(phases), '');
    out.push(
      'During: receipts between the first ingest sent and the last ingest answered, over that time. After: the other receipts, over (last receipt − last ingest answered). ' +
        "Eager: the API's event workflow starts (its /metrics) whose first task came back with the start, of those it started (existed: the run was there already). " +
        'Engine bytes: growth of temporal.db + temporal.db-wal + temporal.db-shm over the phase (a WAL checkpoint moves bytes between them; the sum counts), per event accepted.',
      '',
    );
  }
  out.push(...engineSection(results, phases));

  if (results.seed) {
    out.push('## Stored deliveries', '');
    out.push(
      `${results.seed.deliveries} deliveries and their events inserted in ${fmt(results.seed.seconds)} s (${results.seed.documentsPerSecond} documents/s); ${results.seed.deliveriesInDatabase} delivery documents in the database afterwards.`,
    );
    out.push(`Fan-out 1 full rate after the seed ÷ before: **${fmt((results.seededRatio ?? Number.NaN) * 100)} %**.`, '');
  }
  if (results.history) {
    const h = results.history;
    out.push('## Temporal history per delivery', '');
    out.push(
      `${h.events} events → ${h.deliveries} deliveries (${h.retried} retried), ${h.workflowExecutions} workflow executions (${fmt(h.workflowExecutionsPerEvent, 2)} per event, ${h.stillRunning} still running), ${h.historyEvents} history events: **${fmt(h.historyEventsPerDelivery, 2)} per first-try delivery**.`,
      '',
    );
    out.push('| history event type | count | per delivery |', '|---|---|---|');
    for (const [type, count] of Object.entries(h.eventTypes)) out.push(`| ${type} | ${count} | ${fmt(count / Math.max(1, h.deliveries), 2)} |`);
    out.push('');
  }
  if (results.waiting) {
    const w = results.waiting;
    const roles = [...new Set([...Object.keys(w.small.rssMiB), ...Object.keys(w.large.rssMiB)])];
    out.push('## Deliveries waiting in retry timers', '');
    out.push(
      `| waiting | ${roles.map((r) => `${r} MiB`).join(' | ')} | seconds to first attempts | ingest errors |`,
      `|---|${roles.map(() => '---').join('|')}|---|---|`,
    );
    for (const s of [w.small, w.large])
      out.push(
        `| ${s.waiting} (${s.confirmedPending} confirmed) | ${roles.map((r) => fmt(s.rssMiB[r])).join(' | ')} | ${fmt(s.secondsToFirstAttempts)} | ${errorsText(s.ingestErrors)} |`,
      );
    out.push(`| growth | ${roles.map((r) => `×${fmt(w.growth[r], 3)}`).join(' | ')} | | |`, '');
    out.push(
      `Then every waiting delivery was retried through the API: answers ${errorsText(w.retryAnswers)}; ${w.completed} of ${w.retried} delivered successfully in ${fmt(w.retrySeconds)} s (${fmt(w.retriesPerSecond)}/s).`,
      '',
    );
  }
  out.push('## Memory', '', ...memoryRows(results, phases), '');
  out.push(
    'Tree sums: a role counts its process and all its children (PostgreSQL: the postmaster and every backend). ' +
      'VmRSS sums count shared memory (PostgreSQL shared buffers) once per process that touched it; the PSS row splits it instead. ' +
      'VmHWM at the end covers only processes still alive then.',
    '',
  );
  out.push('## CPU by process', '', ...cpuRows(results, phases), '');
  out.push(
    "Over the same windows as the memory peaks (a Herald phase: from just before its first send until its drain ends, plus 0.5 s). CPU: utime+stime of every process of the role's tree, " +
      'plus the cutime+cstime of those processes, so processes that exited in the window (short-lived PostgreSQL backends) still count. ' +
      `Cores: CPU seconds ÷ wall-clock seconds (this machine has ${results.machine.cpus}). ms/delivery: CPU milliseconds ÷ deliveries received in the window. ` +
      'bench is the benchmark process alone: load generator, receiver, progress bars and this sampler.',
    '',
  );
  return out.join('\n');
}

export function consoleSummary(results: BenchResults): string {
  const lines: string[] = [''];
  const full = results.phases.full;
  if (results.ceilingA) lines.push(`ceiling A (undici POST)             ${fmt(results.ceilingA.perSecond)} requests/s`);
  if (results.ceilingB) {
    lines.push(
      `ceiling B (eager, 1 local activity) ${fmt(results.ceilingB.eager.perSecond)} workflows/s, ${fmt(results.ceilingB.eager.eagerShare * 100)} % eager`,
    );
    lines.push(`  (no eager start, not the ceiling) ${fmt(results.ceilingB.plain.perSecond)} workflows/s`);
  }
  for (const p of Object.values(results.phases)) {
    if (!p) continue;
    lines.push(`${`${p.label} `.padEnd(36)}${fmt(p.deliveriesPerSecond)} deliveries/s, p99 ${fmt(p.latencyMs.p99)} ms, errors ${p.errorCount}, lost ${p.lost}`);
  }
  if (full) {
    lines.push(`Herald / ceiling A                  ${fmt((results.ratios.heraldOverCeilingA ?? Number.NaN) * 100)} %`);
    lines.push(`Herald / ceiling B                  ${fmt((results.ratios.heraldOverCeilingB ?? Number.NaN) * 100)} %`);
  }
  lines.push('');
  for (const t of results.targets) lines.push(`${t.verdict.padEnd(5)} ${t.name} — ${t.detail}`);
  for (const f of results.failures) lines.push(`ERROR in ${f.phase}: ${f.error.split('\n')[0]}`);
  return lines.join('\n');
}
