// Turns what a webhook stores (a preset plus optional overrides) into a complete policy, so the
// delivery workflow never has to know which values were defaults.

import { DEFAULT_PRESET, PRESET_DEFAULTS, PRESET_FIELDS } from './presets';
import type { PresetName, ResolvedPolicy, RetryPolicyInput } from './types';

/** Webhook-level settings that belong to the policy's outcome but are stored beside it. */
export interface WebhookResponseRules {
  successCodes?: number[];
  timeoutMs?: number;
}

export function defaultSuccessCodes(preset: PresetName): number[] {
  return [...PRESET_DEFAULTS[preset].successCodes];
}

export function defaultTimeoutMs(preset: PresetName): number {
  return PRESET_DEFAULTS[preset].timeoutMs;
}

/**
 * Fills every default in. Overrides of fields the preset does not use are ignored here (the API
 * refuses them on write, see validatePolicy), so a stale stored field can never change a schedule.
 */
export function resolvePolicy(input: RetryPolicyInput | undefined, webhook: WebhookResponseRules = {}): ResolvedPolicy {
  const preset = input?.preset ?? DEFAULT_PRESET;
  const defaults = PRESET_DEFAULTS[preset];
  const resolved: ResolvedPolicy = {
    preset,
    ...defaults,
    successCodes: webhook.successCodes ? [...webhook.successCodes] : defaultSuccessCodes(preset),
    timeoutMs: webhook.timeoutMs ?? defaultTimeoutMs(preset),
  };
  if (!input) return resolved;
  for (const field of PRESET_FIELDS[preset]) {
    const value = input[field];
    // `undefined` means "keep the default"; `null` is meaningful for maxAgeSeconds (no limit).
    if (value === undefined) continue;
    if (field === 'maxAgeSeconds') resolved.maxAgeSeconds = value;
    else if (value !== null) resolved[field] = value;
  }
  return resolved;
}

/** A webhook's complete retry policy: its preset and overrides plus its success rule and timeout. */
export function policyOf(webhook: { retryPolicy: RetryPolicyInput; successCodes?: number[]; timeoutMs?: number }): ResolvedPolicy {
  return resolvePolicy(webhook.retryPolicy, {
    ...(webhook.successCodes ? { successCodes: webhook.successCodes } : {}),
    ...(webhook.timeoutMs ? { timeoutMs: webhook.timeoutMs } : {}),
  });
}
