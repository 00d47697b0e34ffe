// CPU time of every process role over a measurement window, to show where the CPU goes: the
// sampler (memory.ts) reads each role's clock ticks when a window opens and when it closes; the
// difference, over the window's wall-clock time, is the cores that role kept busy, and over the
// deliveries received, its CPU milliseconds per delivery.
import { execFileSync } from 'node:child_process';
import { round } from './util';

/** Clock ticks (utime+stime, plus reaped children's) per role at one moment. */
export type RoleTicks = Record<string, number>;

export interface CpuReading {
  /** When it was read, on the benchmark's monotonic clock (ms). */
  atMs: number;
  ticks: RoleTicks;
}

export interface CpuFigures {
  cpuSeconds: number;
  /** cpuSeconds ÷ the window's wall-clock seconds. */
  coresBusy: number;
  /** CPU ms ÷ deliveries received; only for phases that count deliveries. */
  cpuMsPerDelivery?: number;
}

export interface CpuUse {
  wallSeconds: number;
  /** Deliveries received in the window, where the phase counts them. */
  deliveries?: number;
  byRole: Record<string, CpuFigures>;
  total: CpuFigures;
}

let ticksPerSecond: number | undefined;

/** The unit of the times in /proc/<pid>/stat, asked once; 100 (Linux's USER_HZ nearly everywhere) if getconf fails. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5_000 }).trim());
      ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function figures(cpuSeconds: number, wallSeconds: number, deliveries: number | undefined): CpuFigures {
  const out: CpuFigures = { cpuSeconds: round(cpuSeconds, 3), coresBusy: wallSeconds > 0 ? round(cpuSeconds / wallSeconds, 3) : Number.NaN };
  if (deliveries !== undefined && deliveries > 0) out.cpuMsPerDelivery = round((cpuSeconds * 1000) / deliveries, 3);
  return out;
}

/** CPU used per role between two readings; `deliveries` for phases that count them. */
export function cpuUse(start: CpuReading, end: CpuReading, deliveries?: number): CpuUse {
  const hz = clockTicksPerSecond();
  const wallSeconds = (end.atMs - start.atMs) / 1000;
  const byRole: Record<string, CpuFigures> = {};
  let total = 0;
  for (const [role, ticks] of Object.entries(end.ticks)) {
    // Only a process reaped outside its role's tree (a crash and restart) takes ticks away: count 0 then.
    const seconds = Math.max(0, ticks - (start.ticks[role] ?? 0)) / hz;
    byRole[role] = figures(seconds, wallSeconds, deliveries);
    total += seconds;
  }
  return { wallSeconds: round(wallSeconds, 3), ...(deliveries === undefined ? {} : { deliveries }), byRole, total: figures(total, wallSeconds, deliveries) };
}
