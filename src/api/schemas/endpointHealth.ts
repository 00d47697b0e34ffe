import { Type } from '@sinclair/typebox';
import { DEFAULT_BUFFER_SECONDS, DEFAULT_DEACTIVATION, DEFAULT_REPLAY_CONCURRENCY, MAX_REPLAY_CONCURRENCY } from '../../policy/endpointHealth';

const DAY_SECONDS = 24 * 60 * 60;

/** When a failing webhook is switched off, and how long its events are kept: per workspace or per webhook. */
export const DeactivationSchema = Type.Object(
  {
    consecutiveFailures: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10000,
        description: `Consecutive failed attempts that switch the webhook off. Default ${DEFAULT_DEACTIVATION.consecutiveFailures}.`,
      }),
    ),
    minFailingSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 30 * DAY_SECONDS,
        description: `The failures must also span this many seconds. Default ${DEFAULT_DEACTIVATION.minFailingSeconds}.`,
      }),
    ),
    bufferSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 30 * DAY_SECONDS,
        description: `For this long after a deactivation new events are buffered for a replay; later ones are dropped. Default ${DEFAULT_BUFFER_SECONDS}.`,
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ReplayConcurrencySchema = Type.Integer({
  minimum: 1,
  maximum: MAX_REPLAY_CONCURRENCY,
  description: `How many buffered events may be in their first attempt at once during a replay. Default ${DEFAULT_REPLAY_CONCURRENCY}: strictly in order.`,
});

export const ActivateBody = Type.Object(
  { replayEvents: Type.Boolean(), replayConcurrency: Type.Optional(ReplayConcurrencySchema) },
  { additionalProperties: false },
);
