// The test ping: {payload: {type: "ping", epoch_timestamp}, md5}, where
// md5 is the hex MD5 of the payload's JSON text so the receiver can check what it parsed.
import { createHash } from 'node:crypto';
import type { ContentType } from '../core/domain';
import { encodeBody, type EncodedBody } from './encoders';

export const PING_EVENT_TYPE = 'ping';

export interface PingPayload {
  type: 'ping';
  epoch_timestamp: number;
}

export interface PingBody {
  payload: PingPayload;
  md5: string;
}

/** Exactly `{"type":"ping","epoch_timestamp":<int>}`: the text the md5 covers. */
export function pingPayloadJson(epochSeconds: number): string {
  return `{"type":"ping","epoch_timestamp":${epochSeconds}}`;
}

export function buildPing(now: Date): { value: PingBody; json: string } {
  const epochSeconds = Math.floor(now.getTime() / 1000);
  const payloadJson = pingPayloadJson(epochSeconds);
  const md5 = createHash('md5').update(payloadJson, 'utf8').digest('hex');
  return {
    value: { payload: { type: 'ping', epoch_timestamp: epochSeconds }, md5 },
    // Built from the same text the md5 covers, so the JSON variant carries it verbatim.
    json: `{"payload":${payloadJson},"md5":"${md5}"}`,
  };
}

/** JSON as above; XML `<notification><payload>…</payload><md5>…</md5></notification>`; form flattened. */
export function encodePing(contentType: ContentType, now: Date): EncodedBody {
  const ping = buildPing(now);
  return encodeBody(contentType, ping.value, ping.json);
}
