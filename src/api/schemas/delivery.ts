import { Type } from '@sinclair/typebox';
import { DELIVERY_STATUSES, LANES } from '../../core/domain';
import { OneOf, Pagination } from './common';

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

// Delivery ids contain slashes (delivery/{ws}/{event}/{webhook}); callers URL-encode them.
export const DeliveryParams = Type.Object({ ws: Type.String({ minLength: 1, maxLength: 100 }), id: Type.String({ minLength: 1, maxLength: 700 }) });

export const DeliveryListQuery = Type.Object(
  {
    webhookId: Type.Optional(Type.String({ maxLength: 200 })),
    eventId: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(OneOf(DELIVERY_STATUSES)),
    ...Pagination,
  },
  { additionalProperties: false },
);
