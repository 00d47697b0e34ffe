// The retry policy as the API accepts it: TypeBox schemas (request validation and OpenAPI in
// one), read from the policy's own bounds and defaults so the two never drift.

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { PRESET_DEFAULTS, presetsAccepting, type PolicyField } from '../../policy/presets';
import { PRESET_NAMES, type RetryPolicyInput } from '../../policy/types';
import { POLICY_FIELD_PREFIX, POLICY_LIMITS, policyRuleViolations, type PolicyViolation } from '../../policy/validation';

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

export type RetryPolicyBody = Static<typeof RetryPolicySchema>;

// The schema and the hand-written contract in policy/types.ts must describe the same shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const schemaMatchesContract: Same<RetryPolicyBody, RetryPolicyInput> = true;
void schemaMatchesContract;

/**
 * Everything wrong with a `retryPolicy` value, one message per field, empty when it may be
 * stored. Schema errors come first; the policy's own rules only run on a value of the right
 * shape. `undefined` (no policy given) is valid: the default preset applies.
 */
export function validatePolicy(input: unknown): PolicyViolation[] {
  if (input === undefined) return [];
  const shapeErrors = schemaViolations(input);
  if (shapeErrors.length > 0) return shapeErrors;
  return policyRuleViolations(input as RetryPolicyInput);
}

function schemaViolations(input: unknown): PolicyViolation[] {
  const byField = new Map<string, string>();
  for (const error of Value.Errors(RetryPolicySchema, input)) {
    const key = error.path.split('/').filter(Boolean)[0];
    const field = key === undefined ? POLICY_FIELD_PREFIX : `${POLICY_FIELD_PREFIX}.${key}`;
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
