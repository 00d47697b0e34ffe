// Request bodies: JSON only. Any other content type answers 415 (errors.ts), so a form or text
// body is never half-understood. The exact text is kept: event payloads are delivered byte for
// byte as received.
import type { FastifyInstance } from 'fastify';
import { HttpError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

// A member named __proto__, however its letters are escaped: JSON.parse makes it an own property,
// but any later merge of the object (Object.assign, a deep copy) would set the prototype instead.
const PROTO_KEY = /"(?:_|\\u005[Ff]){2}(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff]){2}"\s*:/;

const invalidJson = (message: string) => new HttpError(400, 'invalid_json', message);

export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(invalidJson('body is not valid JSON'), undefined);
    }
    if (PROTO_KEY.test(text)) return done(invalidJson('body has a member named __proto__'), undefined);
    done(null, parsed);
  });
}
