// Workflow tests run on Temporal's time-skipping test server, always the binary that
// scripts/bootstrap.sh pinned into .tools/ — never a download.
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment, type TimeSkippingTestWorkflowEnvironmentOptions } from '@temporalio/testing';
import { assertToolsInstalled, toolPaths } from '../../scripts/dev/services';
import { HERALD_SEARCH_ATTRIBUTES } from '../../workflows/contracts/searchAttributes';

const { IndexedValueType } = temporal.api.enums.v1;

export async function createTimeSkippingEnv(options: Omit<TimeSkippingTestWorkflowEnvironmentOptions, 'server'> = {}): Promise<TestWorkflowEnvironment> {
  assertToolsInstalled(['temporalTestServer']);
  // The client's default keepalive pings every 30 s; the test server (grpc-java) allows one ping
  // per 5 minutes and answers more with GOAWAY "too many pings", which broke the calls of a suite
  // that ran longer than 30 s under load (hung tests, seen in full runs). createTimeSkipping takes no
  // connection options, so this goes through the factory it wraps (the SDK is pinned at 1.24.0).
  const factory = TestWorkflowEnvironment as unknown as { create(opts: Record<string, unknown>): Promise<TestWorkflowEnvironment> };
  const env = await factory.create({
    ...options,
    server: { type: 'time-skipping', executable: { type: 'existing-path', path: toolPaths().temporalTestServer } },
    supportsTimeSkipping: true,
    connectionOptions: { channelArgs: { 'grpc.keepalive_time_ms': 10 * 60_000 } },
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
