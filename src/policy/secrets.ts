// How long a rotated signing secret keeps signing beside its successor: the receiver's window to
// switch secrets without rejecting a delivery. Pure, like the rest of the policy.
const HOUR_SECONDS = 60 * 60;

/** By default the previous secret still signs for 24 hours after a rotation. */
export const DEFAULT_ROTATION_GRACE_SECONDS = 24 * HOUR_SECONDS;

/** At most a week: longer would keep a secret the owner wanted gone. */
export const MAX_ROTATION_GRACE_SECONDS = 7 * 24 * HOUR_SECONDS;

/** When the previous secret stops signing, or undefined when it is dropped at once (no grace). */
export function previousSecretExpiry(now: Date, graceSeconds: number): Date | undefined {
  return graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : undefined;
}

/** Whether a previous secret rotated out with this expiry still signs at `now`. */
export function stillSigns(expiresAt: Date, now: Date): boolean {
  return expiresAt.getTime() > now.getTime();
}
