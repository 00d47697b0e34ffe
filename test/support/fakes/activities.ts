// What the workflow tests' activity doubles answer for an attempt: the receiver's scripted reply,
// judged by the real success rule (src/policy/success.ts) and mapped to the outcome the real
// deliverAttempt returns. The delivery and health harnesses and the history recorder share it, so
// the judgement exists once outside production.
import { judgeAttempt } from '../../../src/policy/success';
import type { ResolvedPolicy } from '../../../src/policy/types';
import type { DeliveryActivities, EndpointHealthActivities } from '../../../workflows/contracts/activities';
import type { AttemptOutcome } from '../../../workflows/contracts/delivery';

/** The activities the delivery, event and endpoint-health workflows call: what a worker of their tests registers. */
export type WorkflowActivities = DeliveryActivities & EndpointHealthActivities;

/**
 * What happened on one attempt: the receiver answered with an HTTP status (with the seconds of a
 * Retry-After the real activity has read); or an outcome the real activity reports without a
 * request (`deferred`: the webhook at its in-flight cap); or the activity itself failed.
 */
export type Reply =
  number | { status: number; retryAfterSeconds: number } | 'webhook-missing' | 'webhook-inactive' | 'cancelled' | 'deferred' | 'activity-throws';

/** The outcome deliverAttempt returns for `reply` under `policy`; throws for `activity-throws`. */
export function attemptOutcome(policy: ResolvedPolicy, reply: Reply): AttemptOutcome {
  if (reply === 'activity-throws') throw new Error('store unavailable');
  if (typeof reply === 'string') return { outcome: reply };
  const [statusCode, retryAfterSeconds] = typeof reply === 'number' ? [reply, undefined] : [reply.status, reply.retryAfterSeconds];
  const judgement = judgeAttempt(policy, { statusCode });
  if (judgement.succeeded) return { outcome: 'succeeded', statusCode };
  return { outcome: 'failed', statusCode, errorKind: judgement.error.kind, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
}
