import { Type } from '@sinclair/typebox';
import { RECOVERABLE_STATUSES, RECOVERY_STATES } from '../../core/domain';
import { Nullable, OneOf, Pagination } from './common';

const DateTime = Type.String({ format: 'date-time', maxLength: 40 });

export const RecoverBody = Type.Object(
  {
    since: DateTime,
    until: Type.Optional(DateTime),
    statuses: Type.Optional(Type.Array(OneOf(RECOVERABLE_STATUSES), { minItems: 1, maxItems: RECOVERABLE_STATUSES.length, uniqueItems: true })),
  },
  { additionalProperties: false },
);

export const RecoveryView = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  since: Type.String(),
  until: Type.String(),
  statuses: Type.Array(OneOf(RECOVERABLE_STATUSES)),
  state: OneOf(RECOVERY_STATES),
  /** Counted as the workflow began; null until then. */
  matched: Nullable(Type.Integer()),
  resent: Type.Integer(),
  skipped: Type.Integer(),
  succeeded: Type.Integer(),
  createdAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  error: Type.Optional(Type.String()),
});

export const RecoveryListQuery = Type.Object({ ...Pagination }, { additionalProperties: false });
