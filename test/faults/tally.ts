// The books of one case: every delivery Herald promised (the ids its 202 answers listed) and every
// delivery a receiver took (answered 2xx), by `webhook-id`. A case closes its books at its deadline;
// what arrives afterwards still counts, as late arrivals and duplicates, until the suite ends.

export interface TallyCounts {
  /** Deliveries listed in 202 answers: each must arrive once. */
  expected: number;
  /** Expected deliveries a receiver took by the deadline. */
  receipts: number;
  /** Receipts of a webhook-id beyond its first, whenever they came. */
  duplicates: number;
  /** Expected deliveries not taken by the deadline. */
  lost: number;
  /** Of the lost ones, those that arrived after the deadline, before the counts were read. */
  late: number;
  /** Webhook-ids taken that no 202 answer listed (events that were never accepted). */
  unexpected: number;
  /** Every request the case's receivers saw, failed attempts included. */
  requests: number;
}

export class Tally {
  /** webhook-id → when the event was first sent (ms since the epoch). */
  private readonly expectedSince = new Map<string, number>();
  /** webhook-id → when a receiver first took it. */
  private readonly takenAt = new Map<string, number>();
  /** webhook-id → when it was taken again, for the duplicated ones. */
  private readonly takenAgainAt = new Map<string, number[]>();
  private readonly lostAtDeadline = new Set<string>();
  private closed = false;
  duplicates = 0;
  requests = 0;
  /** When the last request (of any kind) reached one of the case's receivers. */
  lastRequestAt = 0;

  /** The deliveries of one accepted event, with the time its first POST was sent. */
  expect(webhookIds: string[], sentAt: number): void {
    for (const id of webhookIds) if (!this.expectedSince.has(id)) this.expectedSince.set(id, sentAt);
  }

  /** A request reached a receiver, whatever it was answered. */
  sawRequest(at: number): void {
    this.requests++;
    this.lastRequestAt = at;
  }

  /** A receiver took the delivery: it answered 2xx. */
  took(webhookId: string, at: number): void {
    if (!this.takenAt.has(webhookId)) {
      this.takenAt.set(webhookId, at);
      return;
    }
    this.duplicates++;
    this.takenAgainAt.set(webhookId, [...(this.takenAgainAt.get(webhookId) ?? []), at]);
  }

  /** Up to `limit` duplicated webhook-ids, with when each was taken first and again. */
  duplicated(limit = 3): Array<{ webhookId: string; first: number; again: number[] }> {
    return [...this.takenAgainAt].slice(0, limit).map(([webhookId, again]) => ({ webhookId, first: this.takenAt.get(webhookId) ?? Number.NaN, again }));
  }

  get expectedCount(): number {
    return this.expectedSince.size;
  }

  /** Expected deliveries taken so far. */
  get receivedCount(): number {
    let count = 0;
    for (const id of this.expectedSince.keys()) if (this.takenAt.has(id)) count++;
    return count;
  }

  /** Up to `limit` expected webhook-ids not taken yet, for the report. */
  missing(limit = 5): string[] {
    const ids: string[] = [];
    for (const id of this.expectedSince.keys()) {
      if (!this.takenAt.has(id)) ids.push(id);
      if (ids.length >= limit) break;
    }
    return ids;
  }

  /** The deadline: whatever is missing now is lost. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const id of this.expectedSince.keys()) if (!this.takenAt.has(id)) this.lostAtDeadline.add(id);
  }

  /** Ingest-to-receipt times (ms) of the expected deliveries taken, optionally only those of `webhookIds`. */
  latencies(filter?: (webhookId: string) => boolean): number[] {
    return this.timeline(filter).map((sample) => sample.ms);
  }

  /** When each taken delivery's event was sent, with its ingest-to-receipt time (ms), in sending order. */
  timeline(filter?: (webhookId: string) => boolean): Array<{ sentAt: number; ms: number }> {
    const samples: Array<{ sentAt: number; ms: number }> = [];
    for (const [id, sentAt] of this.expectedSince) {
      const at = this.takenAt.get(id);
      if (at !== undefined && (!filter || filter(id))) samples.push({ sentAt, ms: at - sentAt });
    }
    return samples.sort((a, b) => a.sentAt - b.sentAt);
  }

  counts(): TallyCounts {
    const lost = this.closed ? this.lostAtDeadline.size : this.expectedCount - this.receivedCount;
    let late = 0;
    for (const id of this.lostAtDeadline) if (this.takenAt.has(id)) late++;
    let unexpected = 0;
    for (const id of this.takenAt.keys()) if (!this.expectedSince.has(id)) unexpected++;
    return {
      expected: this.expectedCount,
      receipts: this.expectedCount - lost,
      duplicates: this.duplicates,
      lost,
      late,
      unexpected,
      requests: this.requests,
    };
  }
}

/** Nearest-rank percentile of unsorted samples; NaN without samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}
