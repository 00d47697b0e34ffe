// Endpoint health: when a failing endpoint is switched off, and how long the events of a switched-off
// endpoint are kept for a replay. The numbers are named here once; pure, so workflow code may use them.

export interface DeactivationRule {
  /** Consecutive failed attempts, all deliveries of the webhook together. */
  consecutiveFailures: number;
  /** The streak must also span at least this long, so a short outage does not switch anything off. */
  minFailingSeconds: number;
}

/** A webhook is switched off after 10 consecutive failed attempts spanning at least 30 minutes. */
export const DEFAULT_DEACTIVATION: DeactivationRule = { consecutiveFailures: 10, minFailingSeconds: 30 * 60 };

/** Events for a switched-off webhook are kept (`buffered`) for 5 days, then recorded as `dropped`. */
export const DEFAULT_BUFFER_SECONDS = 5 * 24 * 60 * 60;

/** Buffered events are replayed one first attempt at a time unless the activation asks for more. */
export const DEFAULT_REPLAY_CONCURRENCY = 1;
export const MAX_REPLAY_CONCURRENCY = 50;

/** The workspace's notifications are retried on the progressive schedule. */
export const NOTIFICATION_PRESET = 'progressive' as const;

/** An endpoint that answers 410 Gone says it will never take deliveries again: switched off at once. */
export const GONE_STATUS = 410;

/** A webhook's failure streak as the attempt records keep it. */
export interface FailureStreak {
  count: number;
  /** Epoch ms of the streak's first failed attempt. */
  sinceMs: number;
}

/** True once the streak is long enough, in count and in time, to switch the endpoint off. */
export function streakCrossesThreshold(streak: FailureStreak, rule: DeactivationRule, nowMs: number): boolean {
  return streak.count >= rule.consecutiveFailures && nowMs - streak.sinceMs >= rule.minFailingSeconds * 1000;
}

/** The webhook's own rule where it sets one, else its workspace's, else the default. */
export function effectiveRule(webhook?: Partial<DeactivationRule>, workspace?: Partial<DeactivationRule>): DeactivationRule {
  return {
    consecutiveFailures: webhook?.consecutiveFailures ?? workspace?.consecutiveFailures ?? DEFAULT_DEACTIVATION.consecutiveFailures,
    minFailingSeconds: webhook?.minFailingSeconds ?? workspace?.minFailingSeconds ?? DEFAULT_DEACTIVATION.minFailingSeconds,
  };
}

/** The buffer window in seconds: the webhook's, else its workspace's, else 5 days. */
export function effectiveBufferSeconds(webhook?: { bufferSeconds?: number }, workspace?: { bufferSeconds?: number }): number {
  return webhook?.bufferSeconds ?? workspace?.bufferSeconds ?? DEFAULT_BUFFER_SECONDS;
}

/** When the buffer of a webhook switched off at `deactivatedAtMs` closes: new events are dropped from then on. */
export function bufferUntilMs(deactivatedAtMs: number, webhook?: { bufferSeconds?: number }, workspace?: { bufferSeconds?: number }): number {
  return deactivatedAtMs + effectiveBufferSeconds(webhook, workspace) * 1000;
}

/**
 * What becomes of a new event for a webhook that takes no attempts now: `buffered` while its
 * window is open (or it is replaying its buffer), `dropped` after. Without a recorded window
 * (a webhook switched off before windows were recorded) nothing is dropped.
 */
export function heldStatus(bufferUntilMs: number | undefined, nowMs: number): 'buffered' | 'dropped' {
  return bufferUntilMs !== undefined && nowMs >= bufferUntilMs ? 'dropped' : 'buffered';
}

/** A webhook holds new events (in its buffer) while it is switched off or replaying its buffer. */
export function holdsEvents(webhook: { active: boolean; replay?: unknown }): boolean {
  return !webhook.active || webhook.replay !== undefined;
}
