// Test deliveries (the test endpoint, the ping): sent at once, outside the retry machinery, and a
// failure switches the webhook off through its endpoint-health workflow.
import { randomBytes } from 'node:crypto';
import type { EventRecord } from '../core/domain';
import { buildPingRequest, buildRequest, PING_EVENT_TYPE, sendRequest, type OutgoingRequest } from '../outbound';
import { familyOf } from '../core/eventTypes';
import { judgeAttempt } from '../policy/success';
import { type WebhookDoc } from '../store/webhooks';
import { policyOf } from '../policy/resolve';
import { requestDeactivation } from '../temporal/endpointHealth';
import { targetAccess, type AppDeps } from './deps';

export interface TestResult {
  event: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface TestRun {
  startedAt: string;
  testsRun: number;
  testsSucceeded: number;
  testsFailed: number;
  tests: TestResult[];
}

/** A sample event of the given type: what the receiver sees when asked to test that type. */
export function sampleEvent(type: string, now: Date): EventRecord {
  return {
    id: `test_${randomBytes(8).toString('hex')}`,
    type,
    family: familyOf(type),
    data: JSON.stringify({ test: true, type }),
    receivedAt: now.toISOString(),
  };
}

/** With `event`: that type. Without: each subscribed type, or the ping when subscribed to all. */
export function testedEvents(webhook: WebhookDoc, event?: string): string[] {
  if (event !== undefined) return [event];
  if (webhook.events.includes('*')) return [PING_EVENT_TYPE];
  return webhook.events;
}

export async function runWebhookTests(deps: AppDeps, webhook: WebhookDoc, event?: string): Promise<TestRun> {
  const started = new Date();
  const policy = policyOf(webhook);
  const target = deps.store.webhooks.openTarget(webhook);
  const tests: TestResult[] = [];
  for (const type of testedEvents(webhook, event)) {
    const now = new Date();
    const testId = `test/${webhook.workspaceId}/${webhook._id}/${randomBytes(6).toString('hex')}`;
    const request: OutgoingRequest =
      type === PING_EVENT_TYPE ? buildPingRequest(target, testId, now) : buildRequest(target, sampleEvent(type, now), testId, now);
    const sent = await sendRequest(request, { timeoutMs: policy.timeoutMs, ...targetAccess(deps) });
    const judgement = judgeAttempt(policy, sent);
    tests.push({
      event: type,
      statusCode: sent.statusCode ?? null,
      durationMs: sent.durationMs,
      // A failed status reads as the attempt's record says it; an error that stopped the request names its kind.
      error: judgement.succeeded ? null : sent.error ? `${sent.error.kind}: ${sent.error.message}` : judgement.error.message,
    });
  }
  const failed = tests.filter((test) => test.error !== null);
  if (failed.length > 0) {
    const first = failed[0];
    await requestDeactivation(deps.temporal, webhook, `test of ${first.event} failed (${first.error})`);
  }
  return {
    startedAt: started.toISOString(),
    testsRun: tests.length,
    testsSucceeded: tests.length - failed.length,
    testsFailed: failed.length,
    tests,
  };
}
