import { Type } from '@sinclair/typebox';
import { DELIVERY_STATUSES, LANES } from '../../core/domain';
import { Nullable, OneOf, Pagination } from './common';

const AttemptView = Type.Object({
  n: Type.Integer(),
  at: Type.String(),
  durationMs: Type.Number(),
  statusCode: Type.Optional(Type.Integer()),
  error: Type.Optional(Type.Object({ kind: Type.String(), message: Type.String() })),
  responseSnippet: Type.Optional(Type.String()),
});

export const DeliveryView = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  webhookId: Type.String(),
  status: OneOf(DELIVERY_STATUSES),
  lane: OneOf(LANES),
  attempts: Type.Array(AttemptView),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

/** The request as Herald sends it for the next (or last) attempt, rebuilt when read; secret values masked (`••••`). */
export const RequestView = Type.Object({
  method: Type.String(),
  url: Type.String(),
  headers: Type.Record(Type.String(), Type.String()),
  body: Type.String(),
});

/** One delivery as GET /deliveries/{id} shows it: with its request (null when it cannot be rebuilt: webhook or event gone). */
export const DeliveryDetailView = Type.Composite([DeliveryView, Type.Object({ request: Nullable(RequestView) })]);

// Delivery ids contain slashes (delivery/{ws}/{event}/{webhook}); callers URL-encode them.
export const DeliveryParams = Type.Object({ ws: Type.String({ minLength: 1, maxLength: 100 }), id: Type.String({ minLength: 1, maxLength: 700 }) });

export const DeliveryListQuery = Type.Object(
  {
    webhookId: Type.Optional(Type.String({ maxLength: 200 })),
    eventId: Type.Optional(Type.String({ maxLength: 200 })),
    eventType: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    status: Type.Optional(OneOf(DELIVERY_STATUSES)),
    /** Created at or after (ISO date-time). */
    since: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    /** Created before (ISO date-time). */
    until: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    ...Pagination,
  },
  { additionalProperties: false },
);
