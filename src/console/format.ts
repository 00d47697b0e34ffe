// How the console words times, durations, rates and a webhook's state: pure, so unit tests pin them.
import type { Attempt, Delivery, DeliveryStatus, Stats, Webhook } from './types';

export const NONE = '—';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-03 18:04:05` in the browser's time zone; a dash for no time. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** `850 ms`, `1.2 s`, `2 min 5 s`, `3 h 10 min`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) {
    const seconds = Math.round((ms % 60_000) / 1000);
    return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d ${hours % 24 ? `${hours % 24} h` : ''}`.trim();
}

/** `in 4 min`, `12 s ago`, `now`, relative to `now`. */
export function relativeTime(iso: string, now: number): string {
  const delta = Date.parse(iso) - now;
  if (Number.isNaN(delta)) return iso;
  if (Math.abs(delta) < 1000) return 'now';
  const text = formatDuration(Math.abs(delta));
  return delta > 0 ? `in ${text}` : `${text} ago`;
}

/** A success rate (0..1) as `99.5 %`; a dash when nothing was attempted. */
export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return NONE;
  const percent = rate * 100;
  return `${percent === 100 || percent === 0 ? percent.toFixed(0) : percent.toFixed(1)} %`;
}

export type Tone = 'ok' | 'bad' | 'warn' | 'muted';

/** The colour family a delivery status is shown in. */
export function statusTone(status: DeliveryStatus): Tone {
  switch (status) {
    case 'succeeded':
      return 'ok';
    case 'failed':
    case 'expired':
    case 'dropped':
      return 'bad';
    case 'pending':
    case 'buffered':
      return 'warn';
    case 'cancelled':
    case 'discarded':
      return 'muted';
  }
}

/** One attempt's outcome in a few words: `HTTP 500`, `timeout: no answer in 5 s`. */
export function attemptOutcome(attempt: Attempt): string {
  const parts: string[] = [];
  if (attempt.statusCode !== undefined) parts.push(`HTTP ${attempt.statusCode}`);
  if (attempt.error) parts.push(`${attempt.error.kind}: ${attempt.error.message}`);
  return parts.length ? parts.join(', ') : NONE;
}

/** The last attempt of a delivery in a few words, for lists. */
export function lastOutcome(delivery: Pick<Delivery, 'attempts'>): string {
  const last = delivery.attempts[delivery.attempts.length - 1];
  return last ? attemptOutcome(last) : 'no attempt yet';
}

export interface WebhookState {
  label: 'Active' | 'Off';
  tone: Tone;
  /** Sentences that say why and what waits, each shown on its own line. */
  details: string[];
}

/** What the Webhooks screen says of a webhook's state: active or off and why, its buffer, its replay, its failures. */
export function webhookState(webhook: Webhook, now: number): WebhookState {
  const details: string[] = [];
  if (!webhook.active) {
    const why = webhook.deactivationReason ?? 'no reason recorded';
    details.push(webhook.deactivatedAt ? `Off since ${formatTime(webhook.deactivatedAt)}: ${why}` : `Off: ${why}`);
    if (webhook.bufferUntil) {
      const count = webhook.bufferedDeliveries;
      const until = formatTime(webhook.bufferUntil);
      const closed = Date.parse(webhook.bufferUntil) <= now;
      const waiting = count === undefined ? 'Events are buffered' : `${count} buffered ${count === 1 ? 'event waits' : 'events wait'}`;
      details.push(closed ? `${waiting}; the buffer closed at ${until}, newer events are dropped` : `${waiting}; new events are buffered until ${until}`);
    }
  }
  if (webhook.replay) details.push(`Replaying the buffer: ${webhook.replay.done} of ${webhook.replay.total} sent`);
  if (webhook.failureStreak) {
    const { count, since } = webhook.failureStreak;
    details.push(`${count} failed ${count === 1 ? 'attempt' : 'attempts'} in a row since ${formatTime(since)}`);
  }
  const tone: Tone = !webhook.active ? 'bad' : webhook.failureStreak ? 'warn' : 'ok';
  return { label: webhook.active ? 'Active' : 'Off', tone, details };
}

/** The retry preset's name, from a webhook's retryPolicy. */
export function presetOf(webhook: Pick<Webhook, 'retryPolicy'>): string {
  const preset = webhook.retryPolicy.preset;
  return typeof preset === 'string' ? preset : 'fixed';
}

/** uPlot's data: x values, then one column per series. */
export type ChartColumns = [number[], ...Array<Array<number | null>>];

/**
 * The stats' buckets as uPlot's columns: times in seconds, then succeeded and failed counts, then
 * p50 and p95 latency in ms (null where a bucket had no attempt, so the line breaks).
 */
export function chartColumns(stats: Pick<Stats, 'buckets'>): ChartColumns {
  const buckets = [...stats.buckets].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  return [
    buckets.map((bucket) => Date.parse(bucket.start) / 1000),
    buckets.map((bucket) => bucket.succeeded),
    buckets.map((bucket) => bucket.failed),
    buckets.map((bucket) => bucket.p50Ms),
    buckets.map((bucket) => bucket.p95Ms),
  ];
}
