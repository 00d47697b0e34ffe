// The targets of the run: each a PASS, FAIL or SKIP (phase not run) with the figures it was judged on.
import { errorsText, fmt } from './format';
import type { HeraldPhaseResult } from './herald';
import type { BenchResults, Target } from './results';

export function evaluateTargets(results: BenchResults): Target[] {
  const { full, high, half } = results.phases;
  const targets: Target[] = [];
  const errorsLost = (name: string, phase: HeraldPhaseResult | undefined) => {
    if (!phase) return targets.push({ name, verdict: 'SKIP', detail: 'phase not run' });
    const ok = phase.errorCount === 0 && phase.lost === 0;
    targets.push({ name, verdict: ok ? 'PASS' : 'FAIL', detail: `errors ${errorsText(phase.errors)}, lost ${phase.lost} of ${phase.expectedDeliveries}` });
  };
  errorsLost(`0 errors and 0 lost at ${full?.concurrency ?? 32} clients`, full);
  errorsLost(`0 errors and 0 lost at ${high?.concurrency ?? 256} clients`, high);

  const ceilingB = results.ceilingB?.eager.perSecond;
  const ceilingName = 'deliveries/s ≥ 90 % of ceiling B';
  if (full && ceilingB) {
    const ratio = full.deliveriesPerSecond / ceilingB;
    targets.push({
      name: ceilingName,
      verdict: ratio >= 0.9 ? 'PASS' : 'FAIL',
      detail: `${fmt(full.deliveriesPerSecond)} / ${fmt(ceilingB)} = ${fmt(ratio * 100)} %`,
    });
  } else targets.push({ name: ceilingName, verdict: 'SKIP', detail: 'full-rate phase or ceiling B not run' });

  const callsName = "engine calls per first-try delivery ≤ ceiling B's per workflow";
  const heraldCalls = full?.engine?.perUnit.serviceTotal;
  const ceilingCalls = results.ceilingB?.eager.engine?.perUnit.serviceTotal;
  if (heraldCalls !== undefined && ceilingCalls !== undefined) {
    targets.push({
      name: callsName,
      verdict: heraldCalls <= ceilingCalls ? 'PASS' : 'FAIL',
      detail: `${fmt(heraldCalls, 2)} vs ${fmt(ceilingCalls, 2)} service requests (ceiling B's include awaiting each result)`,
    });
  } else targets.push({ name: callsName, verdict: 'SKIP', detail: "full-rate phase, ceiling B or the engine's metrics missing" });

  const paceName = 'deliveries/s during ingest ≥ 70 % of the whole run';
  if (full) {
    const ratio = full.duringIngest.perSecond / full.deliveriesPerSecond;
    targets.push({
      name: paceName,
      verdict: ratio >= 0.7 ? 'PASS' : 'FAIL',
      detail: `${fmt(full.duringIngest.perSecond)} during ${fmt(full.duringIngest.seconds)} s of ingest, ${fmt(full.deliveriesPerSecond)} in all = ${fmt(ratio * 100)} %; ${fmt(full.afterIngest.perSecond)}/s after`,
    });
  } else targets.push({ name: paceName, verdict: 'SKIP', detail: 'phase not run' });

  const latency = (name: string, phase: HeraldPhaseResult | undefined, limitMs: number) => {
    if (!phase) return targets.push({ name, verdict: 'SKIP', detail: 'phase not run' });
    targets.push({
      name,
      verdict: phase.latencyMs.p99 <= limitMs && phase.lost === 0 ? 'PASS' : 'FAIL',
      detail: `p99 ${fmt(phase.latencyMs.p99)} ms at ${fmt(phase.rate)} events/s${phase.lost ? `, ${phase.lost} lost` : ''}`,
    });
  };
  latency('p99 ingest-to-receipt ≤ 100 ms at half rate', half, 100);
  latency('p99 ingest-to-receipt ≤ 1 s at 75 % of full', results.phases.busy, 1000);

  const hanging = results.phases.hanging;
  const hangingName = 'beside a hanging receiver, deliveries/s ≥ 80 % of full';
  if (hanging && full) {
    const ratio = hanging.deliveriesPerSecond / full.deliveriesPerSecond;
    const lossFree = hanging.errorCount === 0 && hanging.lost === 0;
    targets.push({
      name: hangingName,
      verdict: ratio >= 0.8 && lossFree ? 'PASS' : 'FAIL',
      detail: `${fmt(hanging.deliveriesPerSecond)} vs ${fmt(full.deliveriesPerSecond)} = ${fmt(ratio * 100)} %, p99 ${fmt(hanging.latencyMs.p99)} ms; errors ${errorsText(hanging.errors)}, lost ${hanging.lost}`,
    });
  } else targets.push({ name: hangingName, verdict: 'SKIP', detail: 'phase (or full) not run' });

  if (results.seededRatio !== undefined && results.phases.seeded) {
    targets.push({
      name: `deliveries/s after ${results.seed?.deliveries ?? '?'} stored within 10 % of empty`,
      verdict: results.seededRatio >= 0.9 ? 'PASS' : 'FAIL',
      detail: `${fmt(results.phases.seeded.deliveriesPerSecond)} vs ${fmt(full?.deliveriesPerSecond)} = ${fmt(results.seededRatio * 100)} %`,
    });
  } else targets.push({ name: 'deliveries/s after the seed within 10 % of empty', verdict: 'SKIP', detail: 'phase not run' });

  const grownName = `deliveries/s after ${results.engineFill?.completed ?? 'N'} workflows in the engine within 10 % of empty`;
  if (results.grownRatio !== undefined && results.phases.grown) {
    targets.push({
      name: grownName,
      verdict: results.grownRatio >= 0.9 ? 'PASS' : 'FAIL',
      detail: `${fmt(results.phases.grown.deliveriesPerSecond)} vs ${fmt(full?.deliveriesPerSecond)} = ${fmt(results.grownRatio * 100)} %; bytes per event ${fmt(results.phases.grown.engineBytes?.bytesPerEvent, 0)}`,
    });
  } else targets.push({ name: grownName, verdict: 'SKIP', detail: 'phase not run (opt-in: --phases …,grown)' });

  const waiting = results.waiting;
  if (waiting && waiting.growth.api !== undefined) {
    // Without separate worker processes there is no worker role: the API's figure includes its worker.
    const roles = (['worker', 'api'] as const).filter((role) => waiting.growth[role] !== undefined);
    const worst = Math.max(...roles.map((role) => waiting.growth[role]));
    const complete = waiting.completed === waiting.retried && waiting.retried >= waiting.large.waiting;
    const names = { worker: 'worker', api: roles.includes('worker') ? 'API' : 'API (with its worker)' };
    targets.push({
      name: `${roles.includes('worker') ? 'worker and API' : 'API (with its worker)'} memory within 20 % from ${waiting.small.waiting} to ${waiting.large.waiting} waiting`,
      verdict: worst <= 1.2 && complete ? 'PASS' : 'FAIL',
      detail:
        roles
          .map((role) => `${names[role]} ${fmt(waiting.small.rssMiB[role])} → ${fmt(waiting.large.rssMiB[role])} MiB (×${fmt(waiting.growth[role], 2)})`)
          .join(', ') + `; retried ${waiting.completed}/${waiting.retried} delivered`,
    });
  } else
    targets.push({ name: 'worker and API memory within 20 % (waiting deliveries)', verdict: 'SKIP', detail: waiting ? 'no process handles' : 'phase not run' });
  return targets;
}
