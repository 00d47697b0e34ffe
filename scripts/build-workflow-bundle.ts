// `npm run build`, after tsc: bundles the workflow code once into dist/workflow-bundle.js, which
// the compiled worker loads instead of running webpack at every start.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { BUNDLE_PATH, WORKFLOWS_PATH } from '../src/temporal/workflowSource';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  writeFileSync(BUNDLE_PATH, code);
  console.log(`workflow bundle written to ${path.relative(process.cwd(), BUNDLE_PATH)} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
