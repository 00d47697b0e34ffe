import { invalidInput } from '../core/errors';
import { generateSecret, normalizeSecret, SecretError } from '../outbound';

/**
 * A signing secret as stored, from what the client gave: `true` generates a whsec_ secret, shown
 * once (`reveal`); a given secret is normalised to whsec_ form. A bad one is refused naming
 * `field`, the input it came from (`body.secret`).
 */
export function resolveSecret(given: true | string, field: string): { stored: string; reveal?: string } {
  if (given === true) {
    const generated = generateSecret();
    return { stored: generated, reveal: generated };
  }
  try {
    return { stored: normalizeSecret(given) };
  } catch (error) {
    if (error instanceof SecretError) throw invalidInput(`${field} is invalid: ${error.message}`, [field]);
    throw error;
  }
}
