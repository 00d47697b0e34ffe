// The REST API as /openapi.json describes it, for suites that walk every operation (the fuzzer,
// tenant isolation): the list of operations, and fast-check arbitraries derived from their JSON
// schemas, both valid-shaped values and mutated ones (wrong types, unknown or missing fields).
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  maxProperties?: number;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** `POST /v1/workspaces/{ws}/webhooks`. */
  route: string;
  method: string;
  path: string;
  tags: string[];
  parameters: Parameter[];
  body?: JsonSchema;
  /** The statuses the document lists, e.g. `['201', '400', '401']`. */
  responses: string[];
  /** How a customer portal link may use the operation (`x-herald-portal`, src/api/plugins/portal.ts); absent: not at all. */
  portal?: string;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/** Every operation of the document served at `baseUrl`/openapi.json. */
export async function loadOperations(baseUrl: string): Promise<Operation[]> {
  const doc = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<
        string,
        {
          tags?: string[];
          parameters?: Parameter[];
          requestBody?: { content?: Record<string, { schema: JsonSchema }> };
          responses?: Record<string, unknown>;
          'x-herald-portal'?: string;
        }
      >
    >;
  };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({
        route: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        tags: op.tags ?? [],
        parameters: op.parameters ?? [],
        responses: Object.keys(op.responses ?? {}),
        ...(op.requestBody?.content?.['application/json'] ? { body: op.requestBody.content['application/json'].schema } : {}),
        ...(op['x-herald-portal'] !== undefined ? { portal: op['x-herald-portal'] } : {}),
      })),
  );
}

/**
 * Percent-encodes a path segment. A lone surrogate, which encodeURIComponent refuses, goes as the
 * bytes a careless client would send (its CESU-8 form, not valid UTF-8): the server must cope.
 */
function encodeSegment(value: string): string {
  return Array.from(value)
    .map((char) => {
      const c = char.codePointAt(0)!;
      if (c < 0xd800 || c > 0xdfff) return encodeURIComponent(char);
      return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    })
    .join('');
}

/** The path with its `{name}` parameters filled in, each URL-encoded. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for path parameter {${name}} of ${path}`);
    return encodeSegment(value);
  });
}

/** Strings that have broken parsers, encoders and loggers before. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\r\nX-Injected: 1',
  '\ud800',
  '\udfff\ud800',
  '\u202egnp.exe',
  '\ufeff',
  '👩‍👩‍👧‍👦',
  'ﷺ',
  '../../etc/passwd',
  '%00',
  '%',
  '{',
  '"}',
  '{data}',
  '{data.__proto__}',
  '</x><![CDATA[',
  '&a=b&c',
  '${jndi:ldap://x}',
  "' OR 1=1 --",
  '{"$gt": ""}',
  '__proto__',
  'constructor',
  'a'.repeat(5000),
];

export interface ArbitraryOptions {
  /** Values for `format: uri` strings; the default is any web URL. */
  url?: fc.Arbitrary<string>;
  /** Values for strings with a given `pattern` (its source), mixed with strings matching it. */
  patterns?: Record<string, fc.Arbitrary<string>>;
  /**
   * Keys of maps (`additionalProperties` schemas). OpenAPI 3.0 cannot carry a key pattern, so the
   * document loses it (custom header names must be HTTP tokens); the default is HTTP tokens.
   */
  mapKeys?: fc.Arbitrary<string>;
}

const HTTP_TOKEN = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,30}$/);

const ANY_STRING = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  // Lone surrogates and controls: not valid Unicode text, but valid in JSON.
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
);

function stringOf(schema: JsonSchema, options: ArbitraryOptions): fc.Arbitrary<string> {
  if (schema.format === 'uri') return options.url ?? fc.webUrl();
  // Times from a day ago to an hour ahead, so a range a route checks (since before until) is often valid.
  if (schema.format === 'date-time') {
    return fc.integer({ min: -86_400_000, max: 3_600_000 }).map((offsetMs) => new Date(Date.now() + offsetMs).toISOString());
  }
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 60, Math.max(min, 60));
  if (schema.pattern) {
    const matching = fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity));
    const preferred = options.patterns?.[schema.pattern];
    return preferred ? fc.oneof({ weight: 3, arbitrary: preferred }, matching) : matching;
  }
  return fc.string({ unit: 'grapheme', minLength: min, maxLength: max });
}

/** Values that satisfy `schema` (the usual keywords; anything else generates any JSON). */
export function validOf(schema: JsonSchema, options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((branch) => validOf(branch, options)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringOf(schema, options);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = validOf(schema.items ?? {}, options);
      const constraints = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, Math.max(schema.minItems ?? 0, 4)) };
      return schema.uniqueItems ? fc.uniqueArray(items, { ...constraints, selector: (v) => JSON.stringify(v) }) : fc.array(items, constraints);
    }
    case 'object':
      return objectOf(schema, options);
    default:
      return fc.jsonValue({ maxDepth: 3 });
  }
}

function objectOf(schema: JsonSchema, options: ArbitraryOptions): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  if (names.length === 0 && typeof schema.additionalProperties === 'object') {
    const max = Math.min(schema.maxProperties ?? 4, 4);
    return fc.dictionary(options.mapKeys ?? HTTP_TOKEN, validOf(schema.additionalProperties, options), { maxKeys: max });
  }
  const required = schema.required ?? [];
  const model = Object.fromEntries(names.map((name) => [name, validOf(properties[name], options)]));
  // Each optional field has its own ways to be semantically wrong (a retry policy's combinations,
  // a template that is not JSON): objects with few of them reach the routes' logic more often.
  const optionalNames = names.filter((name) => !required.includes(name));
  const few = fc
    .subarray(optionalNames, { maxLength: Math.min(2, optionalNames.length) })
    .chain((optional) => fc.record(Object.fromEntries([...required, ...optional].map((name) => [name, model[name]]))));
  const record = fc.oneof(few, fc.record(model, { requiredKeys: required }));
  const min = schema.minProperties ?? 0;
  return min > 0 && names.length > 0 ? record.filter((value) => Object.keys(value).length >= min) : record;
}

/** Any JSON value, or a hostile string: usually the wrong type for the field it replaces. */
const ANY_VALUE: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  ANY_STRING,
  fc.constantFrom(-1, 0, 1e308, -0, 2 ** 53 + 1, true, null, [], {}),
);

/**
 * Values `schema` should refuse (or that probe its edges): a field replaced by a wrong-typed or
 * hostile value at any depth, an unknown field added, a required field dropped, or anything at all.
 */
export function mutatedOf(schema: JsonSchema, options: ArbitraryOptions = {}, depth = 0): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  if (depth > 3 || names.length === 0) {
    if (schema.type === 'array' && schema.items && depth <= 3) {
      return fc.tuple(validOf(schema, options), mutatedOf(schema.items, options, depth + 1)).map(([items, bad]) => [...(items as unknown[]), bad]);
    }
    return ANY_VALUE;
  }
  const valid = objectOf(schema, options);
  const name = fc.constantFrom(...names);
  return fc.oneof(
    // One field, at any depth, made wrong.
    fc.tuple(valid, name).chain(([value, key]) => mutatedOf(properties[key], options, depth + 1).map((bad) => ({ ...value, [key]: bad }))),
    // An unknown field.
    fc.tuple(valid, fc.string({ minLength: 1, maxLength: 12 }), ANY_VALUE).map(([value, key, extra]) => ({ ...value, [`x${key}`]: extra })),
    // A required field missing.
    valid.map((value) => {
      const copy = { ...value };
      const required = schema.required ?? [];
      if (required.length > 0) delete copy[required[Object.keys(copy).length % required.length]];
      return copy;
    }),
    ANY_VALUE,
  );
}
