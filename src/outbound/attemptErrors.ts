// Why a request failed, in the attempt log's vocabulary (AttemptErrorKind). Node and undici
// report the cause as an error code, sometimes on a wrapped `cause` or inside an AggregateError
// (happy-eyeballs connects), so the search looks through those too.
import type { AttemptErrorKind } from '../core/domain';
import { REFUSED_TARGET_CODE } from './targetGuard';

export interface AttemptError {
  kind: AttemptErrorKind;
  message: string;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA', 'ENODATA']);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'EPROTO',
]);

export function kindOfCode(code: string | undefined): AttemptErrorKind {
  if (code === undefined) return 'other';
  if (code === REFUSED_TARGET_CODE) return 'refused-target';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (DNS_CODES.has(code)) return 'dns';
  if (CONNECTION_CODES.has(code)) return 'connection';
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.startsWith('CERT_')) return 'tls';
  return 'other';
}

/** `timedOut`: the overall deadline passed, whatever error the abort surfaced as. */
export function classifyError(err: unknown, timedOut: boolean): AttemptError {
  const message = describe(err);
  if (timedOut) return { kind: 'timeout', message };
  for (const code of errorCodes(err)) {
    const kind = kindOfCode(code);
    if (kind !== 'other') return { kind, message };
  }
  return { kind: 'other', message };
}

function errorCodes(err: unknown, depth = 0): string[] {
  if (depth > 4 || err === null || typeof err !== 'object') return [];
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof e.code === 'string' ? [e.code] : [];
  const nested = [e.cause, ...(Array.isArray(e.errors) ? (e.errors as unknown[]) : [])].flatMap((inner) => errorCodes(inner, depth + 1));
  return [...own, ...nested];
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = errorCodes(err)[0];
  const message = err.message || (err instanceof AggregateError ? err.errors.map(describe).join('; ') : err.name);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
