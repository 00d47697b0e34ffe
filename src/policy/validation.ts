// The rules a stored retry policy obeys beyond its shape: bounds on overrides (which the API
// schema reads) and the cross-field rules JSON Schema cannot express.

import { PRESET_DEFAULTS, PRESET_FIELDS, presetsAccepting, type PolicyField } from './presets';
import type { RetryPolicyInput } from './types';

const DAY_SECONDS = 24 * 60 * 60;

// Bounds on overrides: wide enough for any sane receiver, narrow enough that a typo (ms for s)
// or an abusive value cannot park a delivery for years or hammer an endpoint.
export const POLICY_LIMITS = {
  maxRetries: 1000,
  minIntervalSeconds: 1,
  maxIntervalSeconds: 30 * DAY_SECONDS,
  minAgeSeconds: 60,
  maxAgeSeconds: 365 * DAY_SECONDS,
  minTimeoutMs: 100,
  maxTimeoutMs: 60_000,
  // Enough to spell out every 2xx, so the fixed preset's own rule can be stored explicitly.
  successCodeCount: 100,
} as const;

/** A refused value, named as the API client wrote it: `retryPolicy.<field>`. */
export interface PolicyViolation {
  field: string;
  message: string;
}

export const POLICY_FIELD_PREFIX = 'retryPolicy';

/** What is wrong with a policy of the right shape: fields its preset ignores, bounds out of order. */
export function policyRuleViolations(input: RetryPolicyInput): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  const accepted = PRESET_FIELDS[input.preset];
  for (const field of Object.keys(input) as Array<keyof RetryPolicyInput>) {
    if (field === 'preset' || input[field] === undefined || accepted.includes(field)) continue;
    const presets = presetsAccepting(field);
    const which = presets.length === 1 ? `the ${presets[0]} preset` : `the ${presets.join(' and ')} presets`;
    violations.push({ field: `${POLICY_FIELD_PREFIX}.${field}`, message: `${POLICY_FIELD_PREFIX}.${field} is only valid for ${which}` });
  }
  if (violations.length > 0) return violations;

  // Ordered pairs are checked on the effective values, so overriding one bound past the other
  // preset default (say, a first interval above the preset's cap) is refused too.
  const ordered = (low: PolicyField, high: PolicyField): void => {
    if (!accepted.includes(low)) return;
    const defaults = PRESET_DEFAULTS[input.preset];
    const lowValue = (input[low] ?? defaults[low]) as number;
    const highValue = (input[high] ?? defaults[high]) as number;
    if (lowValue <= highValue) return;
    const blamed = input[low] !== undefined ? low : high;
    violations.push({
      field: `${POLICY_FIELD_PREFIX}.${blamed}`,
      message: `${POLICY_FIELD_PREFIX}.${low} (${lowValue}) must not exceed ${POLICY_FIELD_PREFIX}.${high} (${highValue})`,
    });
  };
  ordered('initialIntervalSeconds', 'maxIntervalSeconds');
  ordered('slowLaneMinSeconds', 'slowLaneMaxSeconds');
  return violations;
}
