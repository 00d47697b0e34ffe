// What the API accepts as a retry policy: the TypeBox schemas (shape and bounds) and the
// cross-field rules of validatePolicy, with the exact messages a client sees in a 400.

import { Value } from '@sinclair/typebox/value';
import { PRESET_FIELDS, PRESET_NAMES, resolvePolicy } from '../../src/policy';
import { RetryPolicySchema, SuccessCodesSchema, TimeoutMsSchema, validatePolicy } from '../../src/api/schemas/retryPolicy';

const errorPaths = (value: unknown): string[] => [...Value.Errors(RetryPolicySchema, value)].map((e) => e.path);

describe('RetryPolicySchema', () => {
  it.each([
    { preset: 'fixed' },
    { preset: 'progressive' },
    { preset: 'max-attempts' },
    { preset: 'fixed', maxRetries: 0, intervalSeconds: 1, maxAgeSeconds: null },
    { preset: 'fixed', maxRetries: 1000, intervalSeconds: 2592000, maxAgeSeconds: 60 },
    {
      preset: 'progressive',
      maxRetries: 10,
      initialIntervalSeconds: 1,
      maxIntervalSeconds: 600,
      slowLaneMinSeconds: 3600,
      slowLaneMaxSeconds: 7200,
      maxAgeSeconds: 31536000,
    },
  ])('accepts %j', (value) => {
    expect(Value.Check(RetryPolicySchema, value)).toBe(true);
  });

  it.each([
    ['an unknown preset', { preset: 'exponential' }, '/preset'],
    ['a missing preset', { maxRetries: 3 }, '/preset'],
    ['a preset of the wrong type', { preset: 1 }, '/preset'],
    ['an unknown field', { preset: 'fixed', retries: 3 }, '/retries'],
    ['a string number', { preset: 'fixed', maxRetries: '5' }, '/maxRetries'],
    ['a fractional number', { preset: 'fixed', intervalSeconds: 1.5 }, '/intervalSeconds'],
    ['negative retries', { preset: 'fixed', maxRetries: -1 }, '/maxRetries'],
    ['too many retries', { preset: 'progressive', maxRetries: 1001 }, '/maxRetries'],
    ['a zero interval', { preset: 'fixed', intervalSeconds: 0 }, '/intervalSeconds'],
    ['an interval over 30 days', { preset: 'max-attempts', maxIntervalSeconds: 2592001 }, '/maxIntervalSeconds'],
    ['an age under a minute', { preset: 'fixed', maxAgeSeconds: 59 }, '/maxAgeSeconds'],
    ['an age over a year', { preset: 'fixed', maxAgeSeconds: 31536001 }, '/maxAgeSeconds'],
    ['a string age', { preset: 'fixed', maxAgeSeconds: 'never' }, '/maxAgeSeconds'],
    ['null', null, ''],
    ['an array', [{ preset: 'fixed' }], ''],
  ])('refuses %s', (_label, value, path) => {
    expect(Value.Check(RetryPolicySchema, value)).toBe(false);
    expect(errorPaths(value)).toContain(path);
  });

  it('is plain JSON Schema that forbids unknown properties (usable by Fastify and OpenAPI)', () => {
    const json = JSON.parse(JSON.stringify(RetryPolicySchema));
    expect(json).toMatchObject({ type: 'object', additionalProperties: false, required: ['preset'] });
    expect(Object.keys(json.properties)).toEqual([
      'preset',
      'maxRetries',
      'intervalSeconds',
      'initialIntervalSeconds',
      'maxIntervalSeconds',
      'slowLaneMinSeconds',
      'slowLaneMaxSeconds',
      'maxAgeSeconds',
    ]);
    expect(json.properties.intervalSeconds.description).toContain('Default: fixed 300.');
  });

  it('admits every preset default, so resolved policies are always storable', () => {
    for (const preset of PRESET_NAMES) {
      const { successCodes, timeoutMs, ...resolved } = resolvePolicy({ preset });
      const input = { preset, ...Object.fromEntries(PRESET_FIELDS[preset].map((field) => [field, resolved[field]])) };
      expect(Value.Check(RetryPolicySchema, input)).toBe(true);
      expect(validatePolicy(input)).toEqual([]);
      expect(Value.Check(SuccessCodesSchema, successCodes)).toBe(true);
      expect(Value.Check(TimeoutMsSchema, timeoutMs)).toBe(true);
    }
  });
});

describe('SuccessCodesSchema', () => {
  it.each([[[200]], [[200, 201, 202, 204]], [[100, 599]], [Array.from({ length: 100 }, (_, i) => 200 + i)]])('accepts %j', (codes) => {
    expect(Value.Check(SuccessCodesSchema, codes)).toBe(true);
  });

  it.each([
    ['an empty list', []],
    ['a code below 100', [99]],
    ['a code above 599', [600]],
    ['a duplicate', [200, 200]],
    ['a fraction', [200.5]],
    ['a string', ['200']],
    ['more than 100 codes', Array.from({ length: 101 }, (_, i) => 200 + i)],
  ])('refuses %s', (_label, codes) => {
    expect(Value.Check(SuccessCodesSchema, codes)).toBe(false);
  });
});

describe('TimeoutMsSchema', () => {
  it('accepts 100 to 60000 ms, whole numbers only', () => {
    expect([99, 100, 5000, 60000, 60001, 1.5, '5000'].map((v) => Value.Check(TimeoutMsSchema, v))).toEqual([false, true, true, true, false, false, false]);
  });
});

describe('validatePolicy', () => {
  it.each([
    undefined,
    { preset: 'fixed' },
    { preset: 'fixed', intervalSeconds: 10, maxRetries: 2, maxAgeSeconds: null },
    { preset: 'progressive', initialIntervalSeconds: 480, slowLaneMinSeconds: 86400 },
    { preset: 'progressive', maxIntervalSeconds: 5, slowLaneMaxSeconds: 43200, maxAgeSeconds: 604800 },
    { preset: 'max-attempts', initialIntervalSeconds: 60, maxIntervalSeconds: 3600, maxRetries: 3 },
  ])('accepts %j', (input) => {
    expect(validatePolicy(input)).toEqual([]);
  });

  it.each([
    [{ preset: 'fixed', foo: 1 }, 'retryPolicy.foo', 'retryPolicy.foo is not a retry policy field'],
    [{ preset: 'nope' }, 'retryPolicy.preset', 'retryPolicy.preset must be one of fixed, progressive, max-attempts'],
    [{}, 'retryPolicy.preset', 'retryPolicy.preset is required'],
    ['fixed', 'retryPolicy', 'retryPolicy must be an object'],
    [{ preset: 'fixed', maxRetries: '5' }, 'retryPolicy.maxRetries', 'retryPolicy.maxRetries must be an integer from 0 to 1000'],
    [{ preset: 'fixed', maxAgeSeconds: 10 }, 'retryPolicy.maxAgeSeconds', 'retryPolicy.maxAgeSeconds must be an integer from 60 to 31536000, or null'],
    [
      { preset: 'max-attempts', initialIntervalSeconds: 0 },
      'retryPolicy.initialIntervalSeconds',
      'retryPolicy.initialIntervalSeconds must be an integer from 1 to 2592000',
    ],
    [{ preset: 'progressive', intervalSeconds: 60 }, 'retryPolicy.intervalSeconds', 'retryPolicy.intervalSeconds is only valid for the fixed preset'],
    [{ preset: 'max-attempts', intervalSeconds: 60 }, 'retryPolicy.intervalSeconds', 'retryPolicy.intervalSeconds is only valid for the fixed preset'],
    [
      { preset: 'max-attempts', slowLaneMinSeconds: 3600 },
      'retryPolicy.slowLaneMinSeconds',
      'retryPolicy.slowLaneMinSeconds is only valid for the progressive preset',
    ],
    [
      { preset: 'fixed', maxIntervalSeconds: 60 },
      'retryPolicy.maxIntervalSeconds',
      'retryPolicy.maxIntervalSeconds is only valid for the progressive and max-attempts presets',
    ],
    [
      { preset: 'max-attempts', initialIntervalSeconds: 600, maxIntervalSeconds: 60 },
      'retryPolicy.initialIntervalSeconds',
      'retryPolicy.initialIntervalSeconds (600) must not exceed retryPolicy.maxIntervalSeconds (60)',
    ],
    [
      { preset: 'progressive', initialIntervalSeconds: 600 },
      'retryPolicy.initialIntervalSeconds',
      'retryPolicy.initialIntervalSeconds (600) must not exceed retryPolicy.maxIntervalSeconds (480)',
    ],
    [
      { preset: 'max-attempts', maxIntervalSeconds: 10 },
      'retryPolicy.maxIntervalSeconds',
      'retryPolicy.initialIntervalSeconds (30) must not exceed retryPolicy.maxIntervalSeconds (10)',
    ],
    [
      { preset: 'progressive', slowLaneMinSeconds: 90000 },
      'retryPolicy.slowLaneMinSeconds',
      'retryPolicy.slowLaneMinSeconds (90000) must not exceed retryPolicy.slowLaneMaxSeconds (86400)',
    ],
    [
      { preset: 'progressive', slowLaneMaxSeconds: 3600 },
      'retryPolicy.slowLaneMaxSeconds',
      'retryPolicy.slowLaneMinSeconds (43200) must not exceed retryPolicy.slowLaneMaxSeconds (3600)',
    ],
  ])('refuses %j, naming %s', (input, field, message) => {
    expect(validatePolicy(input)).toEqual([{ field, message }]);
  });

  it('reports every misplaced field at once', () => {
    expect(validatePolicy({ preset: 'fixed', initialIntervalSeconds: 1, slowLaneMaxSeconds: 2 }).map((v) => v.field)).toEqual([
      'retryPolicy.initialIntervalSeconds',
      'retryPolicy.slowLaneMaxSeconds',
    ]);
  });
});
