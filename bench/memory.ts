// Resident memory of every process of the stack: every 250 ms, VmRSS summed over each role's
// process tree (a server and all its children, e.g. PostgreSQL's backends), keeping the peak
// overall and per measurement window; VmHWM (the kernel's own peak per process) on request.
// Each window also reads the CPU clock ticks of the same trees when it opens and closes (cpu.ts).
import { readdirSync, readFileSync } from 'node:fs';
import type { CpuReading, RoleTicks } from './cpu';
import { now } from './util';

/**
 * A role is one process tree, rooted at `pid`; or, for `comm`, every descendant of ours with that
 * name. Several roots may share a role (separate worker processes): their trees are summed.
 */
export interface RoleRoot {
  role: string;
  pid?: number;
  comm?: string;
  /** false: only the process itself, not its children (the benchmark's own process). */
  tree?: boolean;
}

export type RoleKb = Record<string, number>;

interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  /** utime+stime (stat fields 14, 15), in clock ticks. */
  ticks: number;
  /** cutime+cstime (fields 16, 17): children it has waited for, e.g. PostgreSQL backends that exited. */
  childTicks: number;
}

function readProcs(): Map<number, ProcInfo> {
  const procs = new Map<number, ProcInfo>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may hold spaces and parentheses, so split at the last ')'.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      // After it: field 3 (state) at index 0, so field n at index n - 3.
      const fields = stat.slice(close + 2).split(' ');
      const field = (n: number): number => Number(fields[n - 3]);
      procs.set(Number(name), { pid: Number(name), ppid: field(4), comm, ticks: field(14) + field(15), childTicks: field(16) + field(17) });
    } catch {
      // exited between readdir and read
    }
  }
  return procs;
}

/** Proportional set size: shared pages split between their users, so tree sums do not double-count. */
function pssKb(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function descendants(root: number, procs: Map<number, ProcInfo>): number[] {
  const children = new Map<number, number[]>();
  for (const proc of procs.values()) {
    const list = children.get(proc.ppid) ?? [];
    list.push(proc.pid);
    children.set(proc.ppid, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0 && out.length < 10_000) {
    const pid = stack.pop() as number;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

export interface MemoryWindow {
  peakKb: RoleKb;
  cpuStart: CpuReading;
}

export interface WindowResult {
  peakKb: RoleKb;
  cpuStart: CpuReading;
  cpuEnd: CpuReading;
}

export class RssSampler {
  readonly peakKb: RoleKb = {};
  /** Peak of the PSS tree sums, sampled every fourth tick (PSS is dearer to read). */
  readonly peakPssKb: RoleKb = {};
  private ticks = 0;
  latestKb: RoleKb = {};
  private readonly windows = new Set<MemoryWindow>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly roots: () => RoleRoot[],
    private readonly everyMs = 250,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Starts collecting a peak and the CPU time for one phase; close it with endWindow(). */
  beginWindow(): MemoryWindow {
    const window: MemoryWindow = { peakKb: { ...this.latestKb }, cpuStart: this.cpuReading() };
    this.windows.add(window);
    return window;
  }

  endWindow(window: MemoryWindow): WindowResult {
    this.sample();
    this.windows.delete(window);
    return { peakKb: window.peakKb, cpuStart: window.cpuStart, cpuEnd: this.cpuReading() };
  }

  /**
   * CPU clock ticks each role has used so far, over the same pids as the memory sums. A process
   * that exits takes its ticks out of the sum, but they reappear in the cutime+cstime of whoever
   * reaps it, so every process of a tree adds those too (the root reaps PostgreSQL's short-lived
   * backends; a dead process is in the cutime of one live process only, so nothing counts twice).
   * Not for a role that is its process only: its children are other roles.
   */
  cpuReading(): CpuReading {
    const procs = readProcs();
    const selfOnly = new Set(
      this.roots()
        .filter((root) => root.tree === false)
        .map((root) => root.role),
    );
    const ticks: RoleTicks = {};
    for (const [role, pids] of Object.entries(this.pidsByRole(procs))) {
      ticks[role] = pids.reduce((sum, pid) => {
        const proc = procs.get(pid);
        return proc ? sum + proc.ticks + (selfOnly.has(role) ? 0 : proc.childTicks) : sum;
      }, 0);
    }
    return { atMs: now(), ticks };
  }

  /** Pids of each role now. */
  pidsByRole(procs = readProcs()): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    const claimed = new Set<number>();
    const roots = this.roots();
    for (const root of roots) {
      if (root.pid === undefined || !procs.has(root.pid)) continue;
      const pids = (root.tree === false ? [root.pid] : descendants(root.pid, procs)).filter((pid) => !claimed.has(pid));
      pids.forEach((pid) => claimed.add(pid));
      out[root.role] = [...(out[root.role] ?? []), ...pids];
    }
    // Roles known by name only: processes of that name below us that no tree above claimed.
    const ours = new Set(descendants(process.pid, procs));
    for (const root of roots) {
      if (root.pid !== undefined || root.comm === undefined) continue;
      const heads = [...procs.values()].filter((p) => p.comm === root.comm && ours.has(p.pid) && !claimed.has(p.pid));
      const pids = heads.flatMap((head) => descendants(head.pid, procs)).filter((pid) => !claimed.has(pid));
      pids.forEach((pid) => claimed.add(pid));
      if (pids.length > 0) out[root.role] = [...new Set(pids)];
    }
    return out;
  }

  sample(): RoleKb {
    const current: RoleKb = {};
    const withPss = this.ticks++ % 4 === 0;
    for (const [role, pids] of Object.entries(this.pidsByRole())) {
      current[role] = pids.reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0);
      if (withPss)
        this.peakPssKb[role] = Math.max(
          this.peakPssKb[role] ?? 0,
          pids.reduce((sum, pid) => sum + pssKb(pid), 0),
        );
    }
    this.latestKb = current;
    for (const target of [this.peakKb, ...[...this.windows].map((w) => w.peakKb)]) {
      for (const [role, kb] of Object.entries(current)) target[role] = Math.max(target[role] ?? 0, kb);
    }
    return current;
  }

  /** VmHWM summed over each role's processes alive now (exact for single-process roles). */
  highWaterKb(): RoleKb {
    const out: RoleKb = {};
    for (const [role, pids] of Object.entries(this.pidsByRole())) out[role] = pids.reduce((sum, pid) => sum + statusKb(pid, 'VmHWM'), 0);
    return out;
  }
}

export const mib = (kb: number | undefined): number => (kb === undefined ? Number.NaN : Math.round((kb / 1024) * 10) / 10);
