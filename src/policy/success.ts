// Whether a receiver's answer counts as delivered. Only the status code matters: no preset
// reads the response body, and a timeout or connection error is a failure before any code is read.
// One rule for every attempt: the attempt activity, the API's webhook test and the test doubles.

import type { AttemptErrorKind } from '../core/domain';
import type { ResolvedPolicy } from './types';

export function isSuccessStatus(policy: ResolvedPolicy, statusCode: number): boolean {
  return policy.successCodes.includes(statusCode);
}

/** What came back from one request: a status code, or an error that stopped it before one. */
export interface Answer {
  statusCode?: number;
  error?: { kind: AttemptErrorKind; message: string };
}

export type Judgement = { succeeded: true } | { succeeded: false; error: { kind: AttemptErrorKind; message: string } };

/** An attempt succeeded iff it has a status code, no error, and the code is one of the policy's success codes. */
export function judgeAttempt(policy: ResolvedPolicy, answer: Answer): Judgement {
  if (answer.error) return { succeeded: false, error: answer.error };
  if (answer.statusCode === undefined) return { succeeded: false, error: { kind: 'other', message: 'no answer' } };
  if (isSuccessStatus(policy, answer.statusCode)) return { succeeded: true };
  return { succeeded: false, error: { kind: 'status', message: `status ${answer.statusCode} is not a success code` } };
}
