// Workflow tests run on Temporal's time-skipping test server, always the binary that
// scripts/bootstrap.sh pinned into .tools/ — never a download.
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment, type TimeSkippingTestWorkflowEnvironmentOptions } from '@temporalio/testing';
import { assertToolsInstalled, toolPaths } from '../../src/devServices';
import { HERALD_SEARCH_ATTRIBUTES } from '../../src/temporal/searchAttributes';

const { IndexedValueType } = temporal.api.enums.v1;

export async function createTimeSkippingEnv(options: Omit<TimeSkippingTestWorkflowEnvironmentOptions, 'server'> = {}): Promise<TestWorkflowEnvironment> {
  assertToolsInstalled(['temporalTestServer']);
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    ...options,
    server: { executable: { type: 'existing-path', path: toolPaths().temporalTestServer } },
  });
  // The test server refuses an upsert of an unknown search attribute (a failed workflow task, retried
  // forever), just like a real server; register Herald's, as the dev-server start script does.
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(HERALD_SEARCH_ATTRIBUTES.map((key) => [key.name, IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]])),
    });
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return env;
}
