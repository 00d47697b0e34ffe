// The dev runner's record of the processes it started, under the data directory. A runner killed
// with SIGKILL cannot stop its servers (they run in process groups of their own); the next runner
// reads the record, checks that each pid still runs the same program, and stops it.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export interface RecordedProcess {
  name: string;
  pid: number;
  /** Its command line when recorded: a pid reused by another program since is not ours. */
  commandLine: string;
}

/** The command line of a running process, or undefined when it is gone (or unknowable here). */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class PidFile {
  constructor(readonly path: string) {}

  /** Replaces the record with these processes (the runner itself first). */
  write(processes: Array<{ name: string; pid: number | undefined }>): void {
    const recorded: RecordedProcess[] = [];
    for (const { name, pid } of processes) {
      const commandLine = pid === undefined ? undefined : commandLineOf(pid);
      if (pid !== undefined && commandLine !== undefined) recorded.push({ name, pid, commandLine });
    }
    writeFileSync(this.path, `${JSON.stringify(recorded, null, 2)}\n`);
  }

  clear(): void {
    rmSync(this.path, { force: true });
  }

  /**
   * The recorded processes that still run: `ours` still run the recorded program; `unsure` run
   * something under a recorded pid that cannot be checked (no /proc on this system).
   */
  leftovers(): { ours: RecordedProcess[]; unsure: RecordedProcess[] } {
    if (!existsSync(this.path)) return { ours: [], unsure: [] };
    let recorded: RecordedProcess[];
    try {
      recorded = JSON.parse(readFileSync(this.path, 'utf8')) as RecordedProcess[];
    } catch {
      return { ours: [], unsure: [] }; // a torn write: nothing can be trusted, and nothing is killed
    }
    const ours: RecordedProcess[] = [];
    const unsure: RecordedProcess[] = [];
    for (const entry of recorded) {
      if (entry.pid === process.pid || !isRunning(entry.pid)) continue;
      const now = commandLineOf(entry.pid);
      if (now === undefined) unsure.push(entry);
      else if (now === entry.commandLine) ours.push(entry);
    }
    return { ours, unsure };
  }
}

/**
 * Stops the given processes, last started first: SIGTERM to each one's process group, then
 * SIGKILL to what still runs after `graceMs`.
 */
export async function stopRecorded(processes: RecordedProcess[], graceMs = 10_000): Promise<void> {
  const signalGroup = (pid: number, signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // gone already
      }
    }
  };
  for (const entry of [...processes].reverse()) {
    signalGroup(entry.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isRunning(entry.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (isRunning(entry.pid)) signalGroup(entry.pid, 'SIGKILL');
  }
}
