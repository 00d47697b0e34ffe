// A receiver that answers 429 or 503 may say when to come back (`Retry-After`, RFC 9110 §10.2.3).
// Herald waits at least that long, but never longer than the preset's own bound, and never past
// the delivery's age limit; it never comes back earlier than its schedule says either. Pure.

import type { Lane } from '../core/domain';
import type { ResolvedPolicy } from './types';

/** The answers whose Retry-After is honoured: Too Many Requests and Service Unavailable. */
export const RETRY_AFTER_STATUSES: readonly number[] = [429, 503];

/**
 * The fixed preset has no longest interval of its own: a Retry-After may stretch its wait to at
 * most 4 intervals (20 minutes with the defaults, far inside its 24 h age limit).
 */
export const FIXED_RETRY_AFTER_INTERVALS = 4;

/** Values beyond a year are read as a year; every preset's bound is far shorter anyway. */
const RETRY_AFTER_READ_LIMIT_SECONDS = 365 * 24 * 60 * 60;

const DAY_NAMES = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY_NAMES = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// The three HTTP-date forms a recipient must accept: IMF-fixdate, RFC 850 and asctime.
const IMF_FIXDATE = new RegExp(`^${DAY_NAMES}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC_850 = new RegExp(`^${LONG_DAY_NAMES}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY_NAMES} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * Seconds to wait from `nowMs`, as the header asks: delay-seconds or an HTTP-date (a date in the
 * past is 0). Null for anything else: a missing or empty header, a negative or fractional number,
 * a date in another form. Never more than a year.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | null {
  const value = header?.trim() ?? '';
  if (/^\d+$/.test(value)) return Math.min(Number(value), RETRY_AFTER_READ_LIMIT_SECONDS);
  const atMs = parseHttpDate(value, nowMs);
  if (atMs === null) return null;
  return Math.min(Math.max(0, Math.ceil((atMs - nowMs) / 1000)), RETRY_AFTER_READ_LIMIT_SECONDS);
}

function parseHttpDate(value: string, nowMs: number): number | null {
  let parts: { day: string; month: string; year: number; time: string[] };
  let match: RegExpMatchArray | null;
  if ((match = IMF_FIXDATE.exec(value))) {
    parts = { day: match[1], month: match[2], year: Number(match[3]), time: match.slice(4, 7) };
  } else if ((match = RFC_850.exec(value))) {
    // A two-digit year that would be more than 50 years ahead is the last such year in the past (RFC 9110 §5.6.7).
    const thisYear = new Date(nowMs).getUTCFullYear();
    const year = thisYear - (thisYear % 100) + Number(match[3]);
    parts = { day: match[1], month: match[2], year: year > thisYear + 50 ? year - 100 : year, time: match.slice(4, 7) };
  } else if ((match = ASCTIME.exec(value))) {
    parts = { day: match[2], month: match[1], year: Number(match[6]), time: match.slice(3, 6) };
  } else {
    return null;
  }
  const [hours, minutes, seconds] = parts.time.map(Number);
  const day = Number(parts.day.trim());
  const month = MONTHS.indexOf(parts.month);
  if (day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 60) return null;
  const atMs = Date.UTC(parts.year, month, day, hours, minutes, seconds);
  // Date.UTC rolls 31 Feb over into March: such a date is not a date.
  return new Date(atMs).getUTCDate() === day ? atMs : null;
}

/**
 * The longest wait a Retry-After may ask for before the attempt that follows in `lane`: the
 * preset's longest interval (the slow lane's for a slow-lane attempt), or, for fixed,
 * FIXED_RETRY_AFTER_INTERVALS of its interval.
 */
export function retryAfterBoundSeconds(policy: ResolvedPolicy, lane: Lane): number {
  switch (policy.preset) {
    case 'fixed':
      return policy.intervalSeconds * FIXED_RETRY_AFTER_INTERVALS;
    case 'max-attempts':
      return policy.maxIntervalSeconds;
    case 'progressive':
      return lane === 'slow' ? policy.slowLaneMaxSeconds : policy.maxIntervalSeconds;
  }
}

export interface RetryAfterContext {
  policy: ResolvedPolicy;
  /** The lane of the attempt that follows. */
  lane: Lane;
  /** When the schedule had the next attempt, epoch ms (planned before the attempt, jitter included). */
  plannedAtMs: number;
  /** When the answer came, epoch ms: the Retry-After counts from here. */
  nowMs: number;
  retryAfterSeconds: number;
  /** The delivery's age limit, epoch ms, or null. */
  deadlineMs: number | null;
}

/**
 * When the next attempt is due once the receiver's Retry-After is heard: the later of the
 * schedule's time and the time asked for, the latter cut to the preset's bound (counted from the
 * answer) and to the deadline. Equal to `plannedAtMs` whenever the header changes nothing.
 */
export function nextAttemptHonouringRetryAfter(context: RetryAfterContext): number {
  const { policy, lane, plannedAtMs, nowMs, retryAfterSeconds, deadlineMs } = context;
  const askedAtMs = nowMs + Math.min(retryAfterSeconds, retryAfterBoundSeconds(policy, lane)) * 1000;
  if (askedAtMs <= plannedAtMs) return plannedAtMs;
  // Waiting past the deadline would change nothing: the delivery expires there without an attempt.
  return deadlineMs === null ? askedAtMs : Math.min(askedAtMs, Math.max(deadlineMs, plannedAtMs));
}
