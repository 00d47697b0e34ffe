// Histories of real runs (test/fixtures/histories/, recorded by test/workflows/history/record.ts)
// replayed against the current workflow code. A running workflow replays its history on every
// worker that picks it up, and a delivery in the slow lane lives for months: a change that alters
// the order or kind of a workflow's commands must fail here, not in production. No server needed.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type * as proto from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { historyFromJson } from '../support/workflowHistory';

const FIXTURES = path.resolve(__dirname, '../fixtures/histories');

/**
 * Every fixture, with the workflow id it was recorded under. A fixture is never deleted: an old
 * one (renamed `*-v1.json` when a patched change is recorded anew) keeps old histories replaying.
 */
const EXPECTED: Record<string, string> = {
  'event-first-try-success.json': 'event/ws1/evt_fixture1',
  'event-fanout-mixed.json': 'event/ws1/evt_fixture2',
  'event-fanout-mixed-delivery.json': 'delivery/ws1/evt_fixture2/wh2',
  'delivery-fixed-failed.json': 'delivery/ws1/evt_fixture3/wh1',
  'delivery-progressive-lane-switch-can-run1.json': 'delivery/ws1/evt_fixture4/wh1',
  'delivery-progressive-lane-switch-can-run2.json': 'delivery/ws1/evt_fixture4/wh1',
  'delivery-max-attempts.json': 'delivery/ws1/evt_fixture5/wh1',
  'delivery-retry-now.json': 'delivery/ws1/evt_fixture6/wh1',
  'delivery-cancel.json': 'delivery/ws1/evt_fixture7/wh1',
  'delivery-deferred.json': 'delivery/ws1/evt_fixture8/wh1',
  'delivery-retry-after.json': 'delivery/ws1/evt_fixture9/wh1',
  'event-deferred.json': 'event/ws1/evt_fixture10',
  'event-deferred-delivery.json': 'delivery/ws1/evt_fixture10/wh1',
  'health-deactivate-replay.json': 'endpoint-health/ws1/wh_replay',
  'health-discard.json': 'endpoint-health/ws1/wh_discard',
  'recovery-completed.json': 'recovery/ws1/rcv_fixture1',
};

function loadHistory(file: string): proto.temporal.api.history.v1.IHistory {
  return historyFromJson(JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')));
}

let workflowBundle: WorkflowBundle;
beforeAll(async () => {
  try {
    // Quiet: a failed replay is reported by the test, not logged by the worker too.
    Runtime.install({ logger: new DefaultLogger(process.env.HERALD_TEST_LOGS === '1' ? 'INFO' : 'ERROR') });
  } catch {
    // already installed in this process
  }
  // One bundle of the current workflows/ for every replay.
  workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: new DefaultLogger('ERROR') });
});

describe('recorded histories replay on the current workflow code', () => {
  it('has every fixture, and no fixture it does not know', () => {
    const files = readdirSync(FIXTURES).filter((file) => file.endsWith('.json'));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', async (file, workflowId) => {
    // Throws DeterminismViolationError (or the workflow's own failure) if the code no longer matches.
    await expect(Worker.runReplayHistory({ workflowBundle }, loadHistory(file), workflowId)).resolves.toBeUndefined();
  });
});
