import { Type } from '@sinclair/typebox';
import { STATS_WINDOWS } from '../../policy/stats';
import { Nullable, OneOf } from './common';

export const StatsQuery = Type.Object({ window: Type.Optional(OneOf(STATS_WINDOWS)) }, { additionalProperties: false });

const Latencies = { p50Ms: Nullable(Type.Number()), p95Ms: Nullable(Type.Number()) };

export const StatsView = Type.Object({
  window: OneOf(STATS_WINDOWS),
  since: Type.String(),
  total: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  successRate: Nullable(Type.Number()),
  ...Latencies,
  buckets: Type.Array(Type.Object({ start: Type.String(), succeeded: Type.Integer(), failed: Type.Integer(), ...Latencies })),
  truncated: Type.Boolean(),
});
