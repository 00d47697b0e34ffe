// One body, three wire formats: the webhook's `contentType` picks the encoder.
import type { ContentType } from '../core/domain';
import { encodeForm } from './formEncoding';
import { encodeXml } from './xmlEncoding';

export interface EncodedBody {
  /** The Content-Type header value. */
  contentType: string;
  body: string;
}

export const CONTENT_TYPE_HEADERS: Readonly<Record<ContentType, string>> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
  xml: 'application/xml',
};

/**
 * `rawJson`, when given, is the exact JSON text of `value` and is sent unchanged for JSON bodies:
 * re-serialising would lose the producer's number spellings and break byte-stability.
 */
export function encodeBody(contentType: ContentType, value: unknown, rawJson?: string): EncodedBody {
  const header = CONTENT_TYPE_HEADERS[contentType];
  switch (contentType) {
    case 'json':
      return { contentType: header, body: rawJson ?? JSON.stringify(value) };
    case 'form':
      return { contentType: header, body: encodeForm(value) };
    case 'xml':
      return { contentType: header, body: encodeXml(value) };
  }
}
