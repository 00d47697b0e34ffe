// The three retry presets, each one complete delivery promise.
// This is the only place the presets' numbers live: every other file reads them from here.

import { PRESET_NAMES, type PresetName, type ResolvedPolicy } from './types';

/** A webhook that names no retry policy gets the simplest promise: the fixed preset. */
export const DEFAULT_PRESET: PresetName = 'fixed';

/** The fields a user may override on a preset (everything in RetryPolicyInput but `preset`). */
export type PolicyField =
  'maxRetries' | 'intervalSeconds' | 'initialIntervalSeconds' | 'maxIntervalSeconds' | 'slowLaneMinSeconds' | 'slowLaneMaxSeconds' | 'maxAgeSeconds';

export type PresetDefaults = Omit<ResolvedPolicy, 'preset'>;

const MINUTE = 60;
const HOUR = 60 * MINUTE;

// A preset's schedule never reads the fields it does not list in PRESET_FIELDS; they are
// filled with this marker so a ResolvedPolicy stays one flat, serialisable shape.
const UNUSED_BY_PRESET = 0;

const ANY_2XX = Array.from({ length: 100 }, (_, i) => 200 + i);

export const PRESET_DEFAULTS: Readonly<Record<PresetName, Readonly<PresetDefaults>>> = {
  // The fixed preset: retry up to five times, every 300 seconds; any 2xx within five seconds counts;
  // 24 hours after the event arrived, a delivery that has not succeeded expires.
  fixed: {
    maxRetries: 5,
    intervalSeconds: 300,
    initialIntervalSeconds: UNUSED_BY_PRESET,
    maxIntervalSeconds: UNUSED_BY_PRESET,
    slowLaneMinSeconds: UNUSED_BY_PRESET,
    slowLaneMaxSeconds: UNUSED_BY_PRESET,
    maxAgeSeconds: 24 * HOUR,
    successCodes: ANY_2XX,
    timeoutMs: 5_000,
  },
  // The progressive preset: 50 retries at intervals growing from 5 seconds to 8 minutes, then a
  // slow lane of 12 to 24 hours, indefinitely; success is 200/201/202/204 only.
  progressive: {
    maxRetries: 50,
    intervalSeconds: UNUSED_BY_PRESET,
    initialIntervalSeconds: 5,
    maxIntervalSeconds: 8 * MINUTE,
    slowLaneMinSeconds: 12 * HOUR,
    slowLaneMaxSeconds: 24 * HOUR,
    maxAgeSeconds: null,
    successCodes: [200, 201, 202, 204],
    timeoutMs: 15_000,
  },
  // The max-attempts preset: at most 20 retries, success is exactly HTTP 200; the intervals
  // double from 30 s, capped at 6 h.
  'max-attempts': {
    maxRetries: 20,
    intervalSeconds: UNUSED_BY_PRESET,
    initialIntervalSeconds: 30,
    maxIntervalSeconds: 6 * HOUR,
    slowLaneMinSeconds: UNUSED_BY_PRESET,
    slowLaneMaxSeconds: UNUSED_BY_PRESET,
    maxAgeSeconds: null,
    successCodes: [200],
    timeoutMs: 15_000,
  },
};

/** Which overrides each preset understands; any other field is refused by validation. */
export const PRESET_FIELDS: Readonly<Record<PresetName, readonly PolicyField[]>> = {
  fixed: ['maxRetries', 'intervalSeconds', 'maxAgeSeconds'],
  progressive: ['maxRetries', 'initialIntervalSeconds', 'maxIntervalSeconds', 'slowLaneMinSeconds', 'slowLaneMaxSeconds', 'maxAgeSeconds'],
  'max-attempts': ['maxRetries', 'initialIntervalSeconds', 'maxIntervalSeconds', 'maxAgeSeconds'],
};

/** The presets that accept a given field, for error messages ("only valid for the fixed preset"). */
export function presetsAccepting(field: PolicyField): PresetName[] {
  return PRESET_NAMES.filter((preset) => PRESET_FIELDS[preset].includes(field));
}
