// Where a worker finds the workflow code: the prebuilt bundle when it exists, so that it starts
// without running webpack (seconds of CPU per start, and per replica); otherwise the sources.
// `npm run build` writes the bundle (scripts/build-workflow-bundle.ts).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';

/** The workflow sources: the folder the bundler starts from. */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/** Where `npm run build` puts the bundle: dist/workflow-bundle.js (this file compiles to dist/src/temporal/). */
export const BUNDLE_PATH = path.resolve(__dirname, '..', '..', 'workflow-bundle.js');

/** The prebuilt bundle when this is the compiled worker and it exists; otherwise the sources, bundled at start. */
export function workflowSource(env: NodeJS.ProcessEnv = process.env): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const prebuilt = env.HERALD_WORKFLOW_BUNDLE || (existsSync(BUNDLE_PATH) ? BUNDLE_PATH : undefined);
  if (prebuilt) return { workflowBundle: { codePath: prebuilt } };
  return { workflowsPath: WORKFLOWS_PATH };
}
