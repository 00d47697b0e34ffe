// Sends one attempt and reports what happened; it never throws for network failures and never
// judges the status code (the retry policy owns success codes).
import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import type { AttemptErrorKind } from '../core/domain';
import { parseRetryAfter, RETRY_AFTER_STATUSES } from '../policy/retryAfter';
import { classifyError } from './attemptErrors';
import { sharedDispatcher } from './dispatchers';
import type { OutgoingRequest } from './request';
import { checkTargetUrl, type TargetAccess } from './targetGuard';

/** The attempt log keeps the first 1 KiB of the response; the body is never parsed. */
export const RESPONSE_SNIPPET_BYTES = 1024;
/** Past the snippet, up to this much is drained so the connection can be reused; beyond, it is closed. */
const DRAIN_LIMIT_BYTES = 64 * 1024;

export interface SendOptions extends TargetAccess {
  /** Overall budget: DNS check, connect, headers and the snippet must fit in it. */
  timeoutMs: number;
  /** The workspace's `requireHttps` option. */
  requireHttps?: boolean;
  /** Replaces the shared pools (tests, custom proxies); it does not get the connect-time DNS guard. */
  dispatcher?: Dispatcher;
}

export interface SendResult {
  statusCode?: number;
  durationMs: number;
  responseSnippet?: string;
  /** Seconds a 429 or 503 asked the sender to wait (`Retry-After`), when it said so readably. */
  retryAfterSeconds?: number;
  error?: { kind: AttemptErrorKind; message: string };
}

export async function sendRequest(req: OutgoingRequest, opts: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const deadline = AbortSignal.timeout(opts.timeoutMs);

  try {
    // Checked on every attempt, not only at creation: DNS answers change. With private networks
    // disallowed, an attempt to a host name costs this lookup, plus one if it opens a connection.
    const guard = await beforeDeadline(checkTargetUrl(req.url, { ...opts, requireHttps: opts.requireHttps ?? false }), deadline);
    if (!guard.ok) return { durationMs: elapsed(), error: { kind: guard.kind, message: guard.reason } };

    // undici follows no redirects unless asked to: a 3xx is reported as a status like any other.
    const response = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: opts.dispatcher ?? sharedDispatcher(opts.allowPrivateNetworks, opts.resolveHost),
      signal: deadline,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    const durationMs = elapsed(); // the receiver's answer; draining the rest is our housekeeping
    const retryAfterSeconds = retryAfterOf(response);
    const snippet = await readSnippet(response.body, deadline);
    return { statusCode: response.statusCode, durationMs, responseSnippet: snippet, ...(retryAfterSeconds !== null ? { retryAfterSeconds } : {}) };
  } catch (err) {
    return { durationMs: elapsed(), error: classifyError(err, deadline.aborted) };
  }
}

/** A 429's or 503's Retry-After in seconds from now; null for other answers, or without a readable header. */
function retryAfterOf(response: Dispatcher.ResponseData): number | null {
  if (!RETRY_AFTER_STATUSES.includes(response.statusCode)) return null;
  const header = response.headers['retry-after'];
  // Repeated, the header is ambiguous: the first one is taken.
  return parseRetryAfter(Array.isArray(header) ? header[0] : header, Date.now());
}

/** Lets the deadline interrupt work that cannot be cancelled itself (a DNS lookup). */
function beforeDeadline<T>(work: Promise<T>, deadline: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(deadline.reason instanceof Error ? deadline.reason : new Error(String(deadline.reason)));
    if (deadline.aborted) return onAbort();
    deadline.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => deadline.removeEventListener('abort', onAbort));
  });
}

/**
 * The first RESPONSE_SNIPPET_BYTES of the body as UTF-8, cut before any character the limit
 * splits. A body that fails or times out midway keeps what arrived: the status already decided.
 * A longer body is drained (up to DRAIN_LIMIT_BYTES, within the deadline) before returning, so
 * the next delivery to the same receiver reuses the connection instead of opening another.
 */
function readSnippet(body: Dispatcher.ResponseData['body'], deadline: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const snippet = (): string => {
      const bytes = Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES);
      // stream mode holds back a trailing incomplete sequence instead of emitting U+FFFD.
      return new TextDecoder('utf-8').decode(bytes, { stream: true });
    };
    const stop = (): boolean => {
      if (done) return false;
      done = true;
      body.off('data', onData);
      return true;
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size < RESPONSE_SNIPPET_BYTES || !stop()) return;
      const text = snippet();
      body
        .dump({ limit: DRAIN_LIMIT_BYTES, signal: deadline })
        .catch(() => undefined)
        .finally(() => resolve(text));
    };
    const onEnd = (): void => {
      if (stop()) resolve(snippet());
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onEnd);
    body.once('close', onEnd);
  });
}
