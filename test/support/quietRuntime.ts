// The Temporal SDK's runtime is one per process and takes its logger when installed, before any
// worker exists. Tests keep it quiet unless HERALD_TEST_LOGS=1.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

/** `level`: the least severe entry shown; harnesses that break activities on purpose pass ERROR. */
export function quietRuntime(level: LogLevel = 'WARN'): void {
  if (installed) return;
  installed = true;
  try {
    Runtime.install({ logger: new DefaultLogger(process.env.HERALD_TEST_LOGS === '1' ? 'INFO' : level) });
  } catch {
    // already installed by another module of this process
  }
}
