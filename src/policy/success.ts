// Whether a receiver's answer counts as delivered. Only the status code matters: no preset
// reads the response body, and a timeout or connection error never reaches this check.

import type { ResolvedPolicy } from './types';

export function isSuccessStatus(policy: ResolvedPolicy, statusCode: number): boolean {
  return policy.successCodes.includes(statusCode);
}
