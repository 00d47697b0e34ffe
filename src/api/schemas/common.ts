import { Type, type TSchema } from '@sinclair/typebox';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Id = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$' });

export const WorkspaceParams = Type.Object({ ws: Type.String({ minLength: 1, maxLength: 100 }) });
export const ResourceParams = Type.Object({
  ws: Type.String({ minLength: 1, maxLength: 100 }),
  id: Type.String({ minLength: 1, maxLength: 300 }),
});

export const ErrorBody = Type.Object({
  data: Type.Null(),
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
});

/** `{data, error: null}` around a payload schema. */
export const Envelope = <T extends TSchema>(data: T) => Type.Object({ data, error: Type.Null() });

export const Page = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 300 })),
};

/**
 * Error responses every authenticated route can give, for the OpenAPI document: 429 past a rate
 * limit and 503 while a dependency is down, both with Retry-After (src/api/rateLimits.ts,
 * src/api/availability.ts).
 */
export const errorResponses = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody, 503: ErrorBody } as const;

/** Paginates by id: fetch one more than asked to know whether another page exists. */
export function pageOf<T>(items: T[], limit: number, cursorOf: (item: T) => string): { items: T[]; nextCursor: string | null } {
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page, nextCursor: items.length > limit && last !== undefined ? cursorOf(last) : null };
}
