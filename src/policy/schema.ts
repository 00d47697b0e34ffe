// The retry policy as the API accepts it: TypeBox schemas (request validation and OpenAPI in
// one) plus the cross-field rules JSON Schema cannot express. Both run on create and update, so
// a stored policy is always one the schedule can follow.

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { DEFAULT_BUFFER_SECONDS, DEFAULT_DEACTIVATION, DEFAULT_REPLAY_CONCURRENCY, MAX_REPLAY_CONCURRENCY } from './endpointHealth';
import { PRESET_DEFAULTS, PRESET_FIELDS, presetsAccepting, type PolicyField } from './presets';
import { PRESET_NAMES, type RetryPolicyInput } from './types';

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

/** Appends each preset's default, read from PRESET_DEFAULTS so the OpenAPI text never drifts. */
function describeField(field: PolicyField, meaning: string): string {
  const defaults = presetsAccepting(field).map((preset) => `${preset} ${PRESET_DEFAULTS[preset][field] ?? 'none'}`);
  return `${meaning} Default: ${defaults.join(', ')}.`;
}

function seconds(field: PolicyField, meaning: string) {
  return Type.Optional(
    Type.Integer({
      minimum: POLICY_LIMITS.minIntervalSeconds,
      maximum: POLICY_LIMITS.maxIntervalSeconds,
      description: describeField(field, meaning),
    }),
  );
}

export const PresetSchema = Type.Union(
  PRESET_NAMES.map((name) => Type.Literal(name)),
  { description: 'Which retry schedule to follow; the other fields override its defaults.' },
);

export const RetryPolicySchema = Type.Object(
  {
    preset: PresetSchema,
    maxRetries: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: POLICY_LIMITS.maxRetries,
        description: describeField('maxRetries', 'Retries after the first attempt (progressive: in the priority lane).'),
      }),
    ),
    intervalSeconds: seconds('intervalSeconds', 'Seconds between retries (fixed only).'),
    initialIntervalSeconds: seconds('initialIntervalSeconds', 'First retry interval (progressive, max-attempts).'),
    maxIntervalSeconds: seconds('maxIntervalSeconds', 'Longest retry interval (progressive, max-attempts).'),
    slowLaneMinSeconds: seconds('slowLaneMinSeconds', 'Shortest slow-lane interval (progressive only).'),
    slowLaneMaxSeconds: seconds('slowLaneMaxSeconds', 'Longest slow-lane interval (progressive only).'),
    maxAgeSeconds: Type.Optional(
      Type.Union([Type.Integer({ minimum: POLICY_LIMITS.minAgeSeconds, maximum: POLICY_LIMITS.maxAgeSeconds }), Type.Null()], {
        description: describeField('maxAgeSeconds', 'Seconds after the event arrived when delivery is abandoned as expired; null = never.'),
      }),
    ),
  },
  { additionalProperties: false, description: 'A retry preset plus optional overrides.' },
);

export const SuccessCodesSchema = Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
  minItems: 1,
  maxItems: POLICY_LIMITS.successCodeCount,
  uniqueItems: true,
  description: 'HTTP status codes that count as delivered. Default depends on the preset.',
});

export const TimeoutMsSchema = Type.Integer({
  minimum: POLICY_LIMITS.minTimeoutMs,
  maximum: POLICY_LIMITS.maxTimeoutMs,
  description: 'Milliseconds to wait for the response; a timeout is a failed attempt. Default depends on the preset.',
});

/** When a failing webhook is switched off, and how long its events are kept: per workspace or per webhook. */
export const DeactivationSchema = Type.Object(
  {
    consecutiveFailures: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10000,
        description: `Consecutive failed attempts that switch the webhook off. Default ${DEFAULT_DEACTIVATION.consecutiveFailures}.`,
      }),
    ),
    minFailingSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 30 * DAY_SECONDS,
        description: `The failures must also span this many seconds. Default ${DEFAULT_DEACTIVATION.minFailingSeconds}.`,
      }),
    ),
    bufferSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 30 * DAY_SECONDS,
        description: `For this long after a deactivation new events are buffered for a replay; later ones are dropped. Default ${DEFAULT_BUFFER_SECONDS}.`,
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ReplayConcurrencySchema = Type.Integer({
  minimum: 1,
  maximum: MAX_REPLAY_CONCURRENCY,
  description: `How many buffered events may be in their first attempt at once during a replay. Default ${DEFAULT_REPLAY_CONCURRENCY}: strictly in order.`,
});

export type RetryPolicyBody = Static<typeof RetryPolicySchema>;

// The schema and the hand-written contract in types.ts must describe the same shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const schemaMatchesContract: Same<RetryPolicyBody, RetryPolicyInput> = true;
void schemaMatchesContract;

/** A refused value, named as the API client wrote it: `retryPolicy.<field>`. */
export interface PolicyViolation {
  field: string;
  message: string;
}

const FIELD_PREFIX = 'retryPolicy';

/**
 * Everything wrong with a `retryPolicy` value, empty when it may be stored. Schema errors come
 * first; the cross-field rules only run on a value of the right shape. `undefined` (no policy
 * given) is valid: the default preset applies.
 */
export function validatePolicy(input: unknown): PolicyViolation[] {
  if (input === undefined) return [];
  const shapeErrors = schemaViolations(input);
  if (shapeErrors.length > 0) return shapeErrors;
  return crossFieldViolations(input as RetryPolicyInput);
}

function schemaViolations(input: unknown): PolicyViolation[] {
  const byField = new Map<string, string>();
  for (const error of Value.Errors(RetryPolicySchema, input)) {
    const key = error.path.split('/').filter(Boolean)[0];
    const field = key === undefined ? FIELD_PREFIX : `${FIELD_PREFIX}.${key}`;
    const fieldSchema: TSchema | undefined = key === undefined ? RetryPolicySchema : RetryPolicySchema.properties[key as keyof RetryPolicyBody];
    let message: string;
    if (error.type === ValueErrorType.ObjectRequiredProperty) message = `${field} is required`;
    else if (fieldSchema === undefined || error.type === ValueErrorType.ObjectAdditionalProperties) {
      message = `${field} is not a retry policy field`;
    } else message = `${field} must be ${expectation(fieldSchema)}`;
    // One message per field is enough for a 400, and the first is the most specific.
    if (!byField.has(field)) byField.set(field, message);
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}

/** Reads the schema back as English ("an integer from 1 to 1000, or null"), so messages match the bounds. */
function expectation(schema: TSchema): string {
  if (Array.isArray(schema.anyOf)) {
    const members = schema.anyOf as TSchema[];
    if (members.every((member) => member.const !== undefined)) return `one of ${members.map((m) => String(m.const)).join(', ')}`;
    return members.map(expectation).join(', or ');
  }
  switch (schema.type) {
    case 'integer':
      return `an integer from ${schema.minimum} to ${schema.maximum}`;
    case 'object':
      return 'an object';
    default:
      return String(schema.type);
  }
}

function crossFieldViolations(input: RetryPolicyInput): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  const accepted = PRESET_FIELDS[input.preset];
  for (const field of Object.keys(input) as Array<keyof RetryPolicyInput>) {
    if (field === 'preset' || input[field] === undefined || accepted.includes(field)) continue;
    const presets = presetsAccepting(field);
    const which = presets.length === 1 ? `the ${presets[0]} preset` : `the ${presets.join(' and ')} presets`;
    violations.push({ field: `${FIELD_PREFIX}.${field}`, message: `${FIELD_PREFIX}.${field} is only valid for ${which}` });
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
      field: `${FIELD_PREFIX}.${blamed}`,
      message: `${FIELD_PREFIX}.${low} (${lowValue}) must not exceed ${FIELD_PREFIX}.${high} (${highValue})`,
    });
  };
  ordered('initialIntervalSeconds', 'maxIntervalSeconds');
  ordered('slowLaneMinSeconds', 'slowLaneMaxSeconds');
  return violations;
}
