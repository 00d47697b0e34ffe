// The workflow code as one prebuilt bundle. A worker that finds it starts without running
// webpack (seconds of CPU per start, and per replica); `npm run build` writes it next to dist/src/.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';

/** Where `npm run build` puts the bundle: dist/workflow-bundle.js. */
export const BUNDLE_PATH = path.resolve(__dirname, '..', 'workflow-bundle.js');

/** The prebuilt bundle when this is the compiled worker and it exists; otherwise the sources, bundled at start. */
export function workflowSource(env: NodeJS.ProcessEnv = process.env): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const prebuilt = env.HERALD_WORKFLOW_BUNDLE || (existsSync(BUNDLE_PATH) ? BUNDLE_PATH : undefined);
  if (prebuilt) return { workflowBundle: { codePath: prebuilt } };
  return { workflowsPath: require.resolve('../workflows') };
}

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  writeFileSync(BUNDLE_PATH, code);
  console.log(`workflow bundle written to ${path.relative(process.cwd(), BUNDLE_PATH)} (${Math.round(code.length / 1024)} KiB)`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
