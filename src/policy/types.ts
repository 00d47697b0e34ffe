// Retry policy contract shared by the delivery workflow and API validation.
// Everything in src/policy/ is pure and deterministic: it is imported by workflow code.
import type { Lane } from '../core/domain';

export type PresetName = 'fixed' | 'progressive' | 'max-attempts';
export const PRESET_NAMES: readonly PresetName[] = ['fixed', 'progressive', 'max-attempts'];

/** What a user stores on a webhook: a preset plus optional overrides. */
export interface RetryPolicyInput {
  preset: PresetName;
  maxRetries?: number;
  intervalSeconds?: number;
  initialIntervalSeconds?: number;
  maxIntervalSeconds?: number;
  slowLaneMinSeconds?: number;
  slowLaneMaxSeconds?: number;
  maxAgeSeconds?: number | null;
}

/** A preset with every default filled in, plus the webhook-level success rule and timeout. */
export interface ResolvedPolicy {
  preset: PresetName;
  /** Retries in the priority lane (attempts = maxRetries + 1 for fixed / max-attempts). */
  maxRetries: number;
  intervalSeconds: number; // fixed
  initialIntervalSeconds: number; // progressive, max-attempts
  maxIntervalSeconds: number; // progressive, max-attempts
  slowLaneMinSeconds: number; // progressive
  slowLaneMaxSeconds: number; // progressive
  /** Seconds after the event's arrival when nothing more is attempted; null = no limit. */
  maxAgeSeconds: number | null;
  successCodes: number[];
  timeoutMs: number;
}

/** What comes after `attemptsMade` failed attempts: wait and try again, or stop (`failed`). */
export type NextStep = { kind: 'retry'; delaySeconds: number; lane: Lane } | { kind: 'stop' };
