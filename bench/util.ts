// Small helpers shared by the benchmark: one monotonic clock, sleeping, bounded parallel loops.
import { performance } from 'node:perf_hooks';

/** Milliseconds on the monotonic clock; every timestamp the benchmark compares uses it. */
export const now = (): number => performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `task(i)` for i in [0, count) with at most `concurrency` running; stops early past `deadline`. */
export async function forEachBounded(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  deadline = Number.POSITIVE_INFINITY,
): Promise<number> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count && now() < deadline) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return next;
}

/** Polls `done` every `everyMs` until it is true or `timeoutMs` passes; returns whether it became true. */
export async function waitUntil(done: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100, check?: () => void): Promise<boolean> {
  const deadline = now() + timeoutMs;
  for (;;) {
    check?.();
    if (await done()) return true;
    if (now() >= deadline) return false;
    await sleep(everyMs);
  }
}

export const round = (value: number, digits = 1): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export function countBy(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}
