import { classifyError } from '../../src/outbound/attemptErrors';
import { REFUSED_TARGET_CODE } from '../../src/outbound/targetGuard';

const withCode = (code: string, message = 'failed'): Error => Object.assign(new Error(message), { code });

describe('classifyError', () => {
  it.each([
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['ECONNREFUSED', 'connection'],
    ['ECONNRESET', 'connection'],
    ['UND_ERR_SOCKET', 'connection'],
    ['EHOSTUNREACH', 'connection'],
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    [REFUSED_TARGET_CODE, 'refused-target'],
    ['UND_ERR_INVALID_ARG', 'other'],
  ])('%s → %s', (code, kind) => {
    expect(classifyError(withCode(code), false)).toEqual({ kind, message: `${code}: failed` });
  });

  it('finds codes on a cause or inside an AggregateError', () => {
    expect(classifyError(new TypeError('fetch failed', { cause: withCode('ENOTFOUND') }), false).kind).toBe('dns');
    expect(classifyError(new AggregateError([withCode('ECONNREFUSED', 'connect ECONNREFUSED ::1:80')]), false)).toEqual({
      kind: 'connection',
      message: 'connect ECONNREFUSED ::1:80',
    });
  });

  it('calls anything after the deadline a timeout', () => {
    expect(classifyError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), true).kind).toBe('timeout');
    expect(classifyError(withCode('UND_ERR_ABORTED'), true).kind).toBe('timeout');
  });

  it('falls back to other', () => {
    expect(classifyError('weird', false)).toEqual({ kind: 'other', message: 'weird' });
  });
});
