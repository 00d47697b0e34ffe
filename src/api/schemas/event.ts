import { Type } from '@sinclair/typebox';
import { DELIVERY_STATUSES } from '../../core/domain';
import { Id, OneOf } from './common';

export const IngestBody = Type.Object(
  {
    id: Type.Optional(Id),
    type: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$' }),
    family: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    app: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    data: Type.Unknown({ description: 'Any JSON value; delivered byte for byte as received' }),
  },
  { additionalProperties: false, required: ['type', 'data'] },
);

export const IngestView = Type.Object({
  eventId: Type.String(),
  deliveries: Type.Array(Type.Object({ id: Type.String(), webhookId: Type.String(), status: OneOf(DELIVERY_STATUSES) })),
});

/** One event as received, with where it went. */
export const EventView = Type.Object({
  id: Type.String(),
  type: Type.String(),
  receivedAt: Type.String(),
  /** The payload exactly as received (JSON text). */
  data: Type.String(),
  deliveries: Type.Array(Type.Object({ id: Type.String(), webhookId: Type.String(), status: OneOf(DELIVERY_STATUSES), attempts: Type.Integer() })),
});
