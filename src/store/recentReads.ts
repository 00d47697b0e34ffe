// What ingest just stored and read, kept a moment for the first attempts the same process makes
// right after: the API's own worker runs the event workflows it starts eagerly, and each first
// attempt would otherwise read back the event (which never changes) and the webhook (as ingest
// matched it a few milliseconds before). Two MongoDB round trips fewer per first-try delivery.
// A snapshot is used only while younger than maxAgeMs: an attempt then sees the webhook as it
// stood at most that long before, as if it had started that much earlier. A process without it
// (a separate worker), or an attempt after it expired, reads the store as before.
import type { EventDoc } from './events';
import type { WebhookDoc } from './webhooks';

export interface RecentReadsOptions {
  /** How long a snapshot serves an attempt. */
  maxAgeMs: number;
  /** Roughly how many bytes of event data and webhooks are kept at most; the oldest go first. */
  maxBytes: number;
  /** The clock, for tests. */
  now?: () => number;
}

interface Entry {
  doc: EventDoc | WebhookDoc;
  at: number;
  bytes: number;
}

/**
 * The API process's snapshots. An eager first attempt starts within milliseconds of its ingest,
 * and within about a second at saturation; 2 s covers that and bounds how old a webhook's state
 * an attempt may use. 32 MiB holds a few thousand events of typical size.
 */
export function createRecentReads(): RecentReads {
  return new RecentReads({ maxAgeMs: 2_000, maxBytes: 32 * 1024 * 1024 });
}

/** A webhook document's size, roughly: its template and secrets are small beside an event's data. */
const WEBHOOK_BYTES = 2048;
/** An event's fields besides its data. */
const EVENT_OVERHEAD_BYTES = 512;

export class RecentReads {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly now: () => number;

  constructor(private readonly options: RecentReadsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The event ingest stored (or found stored already). */
  noteEvent(doc: EventDoc): void {
    this.put(`event ${doc.workspaceId} ${doc.eventId}`, doc, EVENT_OVERHEAD_BYTES + doc.data.length);
  }

  /** The webhooks ingest matched an event to. */
  noteWebhooks(docs: readonly WebhookDoc[]): void {
    for (const doc of docs) this.put(`webhook ${doc.workspaceId} ${doc._id}`, doc, WEBHOOK_BYTES);
  }

  event(workspaceId: string, eventId: string): EventDoc | undefined {
    return this.get(`event ${workspaceId} ${eventId}`) as EventDoc | undefined;
  }

  webhook(workspaceId: string, webhookId: string): WebhookDoc | undefined {
    return this.get(`webhook ${workspaceId} ${webhookId}`) as WebhookDoc | undefined;
  }

  private get(key: string): EventDoc | WebhookDoc | undefined {
    const entry = this.entries.get(key);
    if (!entry || this.now() - entry.at > this.options.maxAgeMs) return undefined;
    return entry.doc;
  }

  private put(key: string, doc: EventDoc | WebhookDoc, bytes: number): void {
    if (bytes > this.options.maxBytes) return;
    this.remove(key); // a newer snapshot goes to the back, as the youngest
    this.entries.set(key, { doc, at: this.now(), bytes });
    this.bytes += bytes;
    this.evict();
  }

  /** Drops, oldest first, what has expired and what is over the byte bound. */
  private evict(): void {
    const oldest = this.now() - this.options.maxAgeMs;
    for (const [key, entry] of this.entries) {
      if (entry.at >= oldest && this.bytes <= this.options.maxBytes) return;
      this.remove(key);
    }
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  /** Entries kept, for tests. */
  get size(): number {
    return this.entries.size;
  }
}
