// The default body: `{id, family, action, timestamp, data}`.
import type { EventRecord } from '../core/domain';

export interface Envelope {
  id: string;
  family: string;
  /** The event type, under the name `action`. */
  action: string;
  /** When Herald received the event (ISO 8601). */
  timestamp: string;
  data: unknown;
}

/** The envelope as a value, for encoders that need a tree (form, XML). */
export function buildEnvelope(event: EventRecord): Envelope {
  return {
    id: event.id,
    family: event.family,
    action: event.type,
    timestamp: event.receivedAt,
    data: JSON.parse(event.data) as unknown,
  };
}

/**
 * The envelope as JSON text. `data` is spliced in as the exact text the producer sent, never
 * re-serialised, so the body (and therefore its signature) is byte-stable across retries and
 * numbers such as 1.0 or 12345678901234567890 reach the receiver unchanged.
 */
export function envelopeJson(event: EventRecord): string {
  return (
    `{"id":${JSON.stringify(event.id)}` +
    `,"family":${JSON.stringify(event.family)}` +
    `,"action":${JSON.stringify(event.type)}` +
    `,"timestamp":${JSON.stringify(event.receivedAt)}` +
    `,"data":${event.data}}`
  );
}
