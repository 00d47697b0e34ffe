import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorKind } from '../../core/errors';
import { isDependencyDown } from './dependencyErrors';

// Domain errors (invalid input, not found, conflict) become HTTP responses here, in one place. So
// do the HTTP-only errors of the plugins (401, 403, 429), the framework's and Node's own errors,
// and a dependency that is down.

/** Every code an error answer carries: Herald's own, never a framework's (no `FST_ERR_...`). */
export const ERROR_CODES = [
  'invalid_request',
  'invalid_json',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'request_timeout',
  'payload_too_large',
  'uri_too_long',
  'unsupported_media_type',
  'headers_too_large',
  'rate_limited',
  'not_ready',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** How each kind of domain error answers. */
const DOMAIN_STATUS: Record<DomainErrorKind, { statusCode: number; code: ErrorCode }> = {
  invalid: { statusCode: 400, code: 'invalid_request' },
  'not-found': { statusCode: 404, code: 'not_found' },
  conflict: { statusCode: 409, code: 'conflict' },
};

function fromDomain(error: DomainError): HttpError {
  const { statusCode, code } = DOMAIN_STATUS[error.kind];
  return new HttpError(statusCode, code, error.message, error.fields ? { fields: error.fields } : undefined);
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

/** What a client should wait before trying again after a 503. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export const unavailable = (message: string) => new HttpError(503, 'unavailable', message);

/** The code an error status gets when nothing more specific is known. */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
  503: 'unavailable',
};

/**
 * Fastify's own errors, by its code, where its status alone says too little or its message names
 * Fastify internals. Any other Fastify 4xx keeps its status and message under Herald's code.
 */
const FRAMEWORK_ERRORS: Record<string, { statusCode: number; code: ErrorCode; message?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { statusCode: 415, code: 'unsupported_media_type', message: 'the body must be application/json' },
  FST_ERR_CTP_INVALID_TYPE: { statusCode: 415, code: 'unsupported_media_type', message: 'the body must be application/json' },
  FST_ERR_CTP_EMPTY_TYPE: { statusCode: 415, code: 'unsupported_media_type', message: 'a body needs a Content-Type: application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { statusCode: 413, code: 'payload_too_large', message: 'body is larger than the configured limit' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { statusCode: 400, code: 'invalid_request', message: 'Content-Length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { statusCode: 400, code: 'invalid_json', message: 'body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { statusCode: 400, code: 'invalid_json', message: 'body is not valid JSON' },
  FST_ERR_BAD_URL: { statusCode: 400, code: 'invalid_request', message: 'the URL is not validly percent-encoded' },
  FST_ERR_MAX_PARAM_LENGTH: { statusCode: 414, code: 'uri_too_long', message: 'a path parameter is too long' },
  FST_ERR_ASYNC_CONSTRAINT: { statusCode: 400, code: 'invalid_request', message: 'the request matches no route' },
};

interface ErrorAnswer {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}

/** The one place a thrown error becomes an answer; `undefined` means a bug (answered 500, logged). */
function answerFor(thrown: FastifyError & Partial<HttpError>): ErrorAnswer | undefined {
  const error = thrown instanceof DomainError ? fromDomain(thrown) : thrown;
  if (error instanceof HttpError) return { statusCode: error.statusCode, code: error.code, message: error.message, details: error.details };
  if (error.validation) {
    const { message, fields } = describeValidation(error.validationContext ?? 'body', error.validation);
    return { statusCode: 400, code: 'invalid_request', message, details: { fields } };
  }
  if (isDependencyDown(error)) return { statusCode: 503, code: 'unavailable', message: 'a dependency of Herald is not reachable; try again shortly' };
  const known = typeof error.code === 'string' ? FRAMEWORK_ERRORS[error.code] : undefined;
  if (known) return { statusCode: known.statusCode, code: known.code, message: known.message ?? error.message };
  const status = error.statusCode ?? 500;
  // Any other client error keeps its status, under Herald's code for it; never the thrower's code.
  if (status >= 400 && status < 500) return { statusCode: status, code: CODE_BY_STATUS[status] ?? 'invalid_request', message: error.message };
  return undefined;
}

function send(reply: FastifyReply, answer: ErrorAnswer): void {
  if (answer.statusCode === 503) reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
  const body: Record<string, unknown> = { code: answer.code, message: answer.message };
  if (answer.details !== undefined) body.details = answer.details;
  void reply.code(answer.statusCode).send({ data: null, error: body });
}

/** Answers an error thrown anywhere in a request's life, or by the router (`frameworkErrors`). */
export function sendError(thrown: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const answer = answerFor(thrown as FastifyError & Partial<HttpError>);
  if (answer) {
    if (answer.statusCode === 503) request.log.warn({ err: thrown }, 'dependency unavailable');
    send(reply, answer);
    return;
  }
  request.log.error({ err: thrown }, 'unhandled error');
  send(reply, { statusCode: 500, code: 'internal', message: 'internal error' });
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (malformed request line,
 * oversized headers, a body not received within the request timeout): answered in Herald's
 * envelope, then the socket is closed, as Node itself would.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'the request was not received in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'the request headers are too large']
        : [400, 'invalid_request', 'the request is not valid HTTP'];
  const body = JSON.stringify({ data: null, error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ data: null, error: { code: 'not_found', message: `route ${request.method} ${request.url} not found` } });
  });
  app.setErrorHandler((thrown, request, reply) => {
    sendError(thrown, request, reply);
  });
}
