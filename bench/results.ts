// The shape of a run's results: every figure, the options and the machine, the verdict per target.
import type { CeilingBResult, CeilingResult } from './ceilings';
import type { EngineFill } from './engineFill';
import type { HeraldPhaseResult } from './herald';
import type { HistoryResult } from './history';
import type { SeedResult } from './seed';
import type { WaitingResult } from './waiting';

export type Verdict = 'PASS' | 'FAIL' | 'SKIP';

export interface Target {
  name: string;
  verdict: Verdict;
  detail: string;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  command: string;
  options: Record<string, unknown>;
  machine: { cpus: number; memoryGiB: number; node: string; platform: string };
  stack: {
    embedded: boolean;
    apiUrl: string;
    /** Separate worker processes beside the API. */
    workers: number;
    /** Whether the API process ran a worker (HERALD_API_WORKER); null when unknown (--existing). */
    apiRunsWorker: boolean | null;
    /** --temporal-arg, as given. */
    temporalArgs: string[];
  };
  ceilingA?: CeilingResult;
  ceilingB?: CeilingBResult;
  phases: {
    full?: HeraldPhaseResult;
    high?: HeraldPhaseResult;
    half?: HeraldPhaseResult;
    /** Paced at 75 % of full's deliveries/s. */
    busy?: HeraldPhaseResult;
    /** Like full, with a hanging receiver's webhook beside it. */
    hanging?: HeraldPhaseResult;
    fanout?: HeraldPhaseResult;
    seeded?: HeraldPhaseResult;
    /** full again, after `engineFill` workflows were put in the engine's database. */
    grown?: HeraldPhaseResult;
  };
  engineFill?: EngineFill;
  /** grown deliveries/s ÷ full deliveries/s. */
  grownRatio?: number;
  seed?: SeedResult;
  /** seeded deliveries/s ÷ empty-store deliveries/s (fan-out 1, full rate). */
  seededRatio?: number;
  history?: HistoryResult;
  waiting?: WaitingResult;
  memory: { peakRssMiB: Record<string, number>; highWaterMiB: Record<string, number>; peakPssMiB: Record<string, number> };
  ratios: { heraldOverCeilingA?: number; heraldOverCeilingB?: number };
  targets: Target[];
  /** Phases that failed, with why. */
  failures: Array<{ phase: string; error: string }>;
}
