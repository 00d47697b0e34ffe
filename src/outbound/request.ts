// Everything about one outgoing request, decided before any I/O: target + event → method, URL,
// headers and body. Given the same inputs the body is the same bytes on every retry; only the
// signature headers depend on `now`.
import type { ContentType, EventRecord, HttpMethod, WebhookTarget } from '../core/domain';
import { encodeBody, type EncodedBody } from './encoders';
import { buildEnvelope, envelopeJson } from './envelope';
import { buildHeaders } from './headers';
import { encodePing, PING_EVENT_TYPE } from './ping';
import { renderTemplate } from './template';

export interface OutgoingRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Throws TemplateError when the webhook's template does not render to a JSON object. */
export function buildRequest(target: WebhookTarget, event: EventRecord, deliveryId: string, now: Date): OutgoingRequest {
  return assemble(target, eventBody(target.contentType, event, target.payloadTemplate), event.type, deliveryId, now);
}

/** The test ping, sent with event type `ping`. */
export function buildPingRequest(target: WebhookTarget, deliveryId: string, now: Date): OutgoingRequest {
  return assemble(target, encodePing(target.contentType, now), PING_EVENT_TYPE, deliveryId, now);
}

function eventBody(contentType: ContentType, event: EventRecord, template: string | undefined): EncodedBody {
  if (template !== undefined && template !== '') {
    const rendered = renderTemplate(template, event);
    return encodeBody(contentType, rendered.value, rendered.json);
  }
  // JSON bodies splice the raw data text in and never parse it; the others need the tree.
  if (contentType === 'json') return encodeBody('json', undefined, envelopeJson(event));
  return encodeBody(contentType, buildEnvelope(event));
}

function assemble(target: WebhookTarget, encoded: EncodedBody, eventType: string, deliveryId: string, now: Date): OutgoingRequest {
  const headers = buildHeaders({
    contentType: encoded.contentType,
    deliveryId,
    eventType,
    body: encoded.body,
    now,
    secret: target.secret,
    previousSecret: target.previousSecret,
    signingKey: target.signingKey,
    auth: target.auth,
    custom: target.headers,
  });
  return { method: target.method, url: target.url, headers, body: encoded.body };
}
