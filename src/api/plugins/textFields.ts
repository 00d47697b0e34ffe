// Text fields never hold U+0000, in a body, a query string or a path. It has no meaning in a
// name, URL, header or template, it cannot go into an HTTP header, and FerretDB's PostgreSQL
// storage refuses it, in a stored string and in a query filter alike (both answered 500). Only
// fields the schema types as strings are checked: an event's `data` (schema-less) is an opaque
// payload, stored as the JSON text received, and may hold anything.
import type { ValidateFunction } from 'ajv';

export interface Schema {
  type?: unknown;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
}

interface Issue {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}

const NUL = '\u0000';

/** The first string typed as a string by `schema` that holds U+0000, as an Ajv-shaped issue. */
export function nulIssue(schema: Schema | boolean | undefined, value: unknown, path = ''): Issue | undefined {
  if (!schema || schema === true) return undefined;
  if (typeof value === 'string') {
    const isText = schema.type === 'string' || (schema.anyOf ?? []).some((branch) => branch.type === 'string');
    return isText && value.includes(NUL)
      ? { instancePath: path, schemaPath: '#/text', keyword: 'text', message: 'must not contain the character U+0000', params: {} }
      : undefined;
  }
  for (const branch of schema.anyOf ?? []) {
    const issue = nulIssue(branch, value, path);
    if (issue) return issue;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const issue = nulIssue(schema.items, item, `${path}/${i}`);
      if (issue) return issue;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    const patterned = Object.values(schema.patternProperties ?? {});
    for (const [key, member] of Object.entries(value)) {
      const memberSchema = schema.properties?.[key] ?? patterned[0] ?? schema.additionalProperties;
      const issue = nulIssue(memberSchema, member, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      if (issue) return issue;
    }
  }
  return undefined;
}

/** `validate`, then the U+0000 rule on what it accepted; errors in Ajv's shape either way. */
export function withoutNul(schema: Schema, validate: ValidateFunction) {
  const check = (data: unknown): boolean => {
    if (!validate(data)) {
      check.errors = validate.errors;
      return false;
    }
    const issue = nulIssue(schema, data);
    check.errors = issue ? [issue] : null;
    return !issue;
  };
  check.errors = null as unknown;
  return check;
}
