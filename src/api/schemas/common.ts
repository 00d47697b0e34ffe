import { Type, type TSchema } from '@sinclair/typebox';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A schema for each value of a closed list (`must be one of ...` when refused). */
export const OneOf = <const T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));

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

export const DEFAULT_PAGE_SIZE = 50;

/** The query fields of every list: spread last into its query object. */
export const Pagination = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: DEFAULT_PAGE_SIZE })),
  cursor: Type.Optional(Type.String({ maxLength: 300 })),
};

/** One page of a list; `nextCursor` is null on the last page. */
export const PageOf = <T extends TSchema>(item: T) =>
  Type.Object({ data: Type.Array(item), error: Type.Null(), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/**
 * Error responses every authenticated route can give, for the OpenAPI document: 429 past a rate
 * limit and 503 while a dependency is down, both with Retry-After (plugins/rateLimits.ts,
 * plugins/availability.ts).
 */
export const errorResponses = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody, 503: ErrorBody } as const;
