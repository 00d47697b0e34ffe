import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { withoutNul, type Schema } from './textFields';

// Bodies are validated strictly: unknown fields and wrong types are errors, never silently
// dropped or coerced. Query strings and path parameters arrive as text, so they are coerced.
export function registerValidation(app: FastifyInstance): void {
  // `verbose` keeps each failing keyword's schema on the error, so a union can be described
  // by its alternatives (errors.ts, describeValidation).
  const strict = new Ajv({ allErrors: false, removeAdditional: false, coerceTypes: false, useDefaults: false, strict: false, verbose: true });
  const lenient = new Ajv({ allErrors: false, removeAdditional: false, coerceTypes: true, useDefaults: true, strict: false, verbose: true });
  addFormats(strict);
  addFormats(lenient);

  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : lenient;
    return withoutNul(schema as Schema, ajv.compile(schema)) as ReturnType<Parameters<FastifyInstance['setValidatorCompiler']>[0]>;
  });
}
