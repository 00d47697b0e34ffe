import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, type DomainErrorKind } from '../errors';

// Domain errors thrown by services, and HTTP errors thrown by routes, become HTTP responses here,
// in one place.
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** How each kind of domain error answers. */
const DOMAIN_STATUS: Record<DomainErrorKind, { statusCode: number; code: string }> = {
  invalid: { statusCode: 400, code: 'invalid_request' },
  'not-found': { statusCode: 404, code: 'not_found' },
  conflict: { statusCode: 409, code: 'conflict' },
};

function fromDomain(error: DomainError): HttpError {
  const { statusCode, code } = DOMAIN_STATUS[error.kind];
  return new HttpError(statusCode, code, error.message, error.fields ? { fields: error.fields } : undefined);
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, 'invalid_request', message, details);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);

export function envelope<T>(data: T) {
  return { data, error: null };
}

interface AjvIssue {
  instancePath?: string;
  schemaPath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
  /** With Ajv's `verbose` option: the failing keyword's value (for anyOf, the branch schemas). */
  schema?: unknown;
}

/** How one alternative of a union reads in a message: a literal as JSON, otherwise its type. */
function alternative(branch: unknown): string {
  const schema = (branch ?? {}) as { const?: unknown; type?: unknown };
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  return typeof schema.type === 'string' ? schema.type : 'valid';
}

/**
 * Ajv reports a failed `anyOf` as one error per branch plus "must match a schema in anyOf". When
 * some branch matched the value's type (an object with a bad member), its errors say what is
 * wrong; otherwise one line lists what the value may be: `must be one of "POST", "PUT"`.
 */
function collapseUnions(issues: AjvIssue[]): AjvIssue[] {
  let result: AjvIssue[] = [];
  for (const issue of issues) {
    if (issue.keyword !== 'anyOf' || issue.schemaPath === undefined) {
      result.push(issue);
      continue;
    }
    const prefix = `${issue.schemaPath}/`;
    const branchIssues = result.filter((b) => b.schemaPath?.startsWith(prefix));
    result = result.filter((b) => !b.schemaPath?.startsWith(prefix));
    const specific = branchIssues.filter((b) => b.keyword !== 'type' && b.keyword !== 'const');
    if (specific.length > 0) {
      result.push(...specific);
      continue;
    }
    const branches = Array.isArray(issue.schema) ? (issue.schema as unknown[]) : [];
    const allLiterals = branches.length > 0 && branches.every((b) => (b as { const?: unknown })?.const !== undefined);
    const names = [...new Set(branches.map(alternative))];
    const message = branches.length === 0 ? issue.message : allLiterals ? `must be one of ${names.join(', ')}` : `must be ${names.join(' or ')}`;
    result.push({ ...issue, keyword: 'union', message });
  }
  return result;
}

/** Turns a schema failure into a message that names the field, e.g. `body.retryPolicy.preset`. */
export function describeValidation(context: string, issues: AjvIssue[]): { message: string; fields: string[] } {
  const fields: string[] = [];
  const parts = collapseUnions(issues).map((issue) => {
    const path = (issue.instancePath ?? '').split('/').filter(Boolean).join('.');
    let field = path ? `${context}.${path}` : context;
    let message = issue.message ?? 'is invalid';
    if (issue.keyword === 'additionalProperties') {
      field = `${field}.${String(issue.params?.additionalProperty)}`;
      message = 'is not a known field';
    } else if (issue.keyword === 'required') {
      field = `${field}.${String(issue.params?.missingProperty)}`;
      message = 'is required';
    } else if (issue.keyword === 'enum' || issue.keyword === 'const') {
      const allowed = (issue.params?.allowedValues as unknown[] | undefined) ?? [issue.params?.allowedValue];
      message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (issue.keyword === 'minProperties' && !path) {
      message = `must name at least ${String(issue.params?.limit)} field`;
    }
    if (!fields.includes(field)) fields.push(field);
    return `${field} ${message}`;
  });
  return { message: [...new Set(parts)].join('; '), fields };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ data: null, error: { code: 'not_found', message: `route ${request.method} ${request.url} not found` } });
  });

  app.setErrorHandler((thrown: FastifyError & Partial<HttpError>, request, reply) => {
    const error = thrown instanceof DomainError ? fromDomain(thrown) : thrown;
    if (error instanceof HttpError) {
      const body: Record<string, unknown> = { code: error.code, message: error.message };
      if (error.details !== undefined) body.details = error.details;
      return reply.code(error.statusCode).send({ data: null, error: body });
    }
    if (error.validation) {
      const { message, fields } = describeValidation(error.validationContext ?? 'body', error.validation);
      return reply.code(400).send({ data: null, error: { code: 'invalid_request', message, details: { fields } } });
    }
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return reply.code(413).send({ data: null, error: { code: 'payload_too_large', message: 'body is larger than the configured limit' } });
    }
    if (status === 429) {
      return reply.code(429).send({ data: null, error: { code: 'rate_limited', message: error.message } });
    }
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ data: null, error: { code: error.code ?? 'invalid_request', message: error.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ data: null, error: { code: 'internal', message: 'internal error' } });
  });
}
