// Herald's domain errors: what went wrong, in Herald's terms, thrown by services whose logic may
// run in the API, an activity or a script. Only the API's edge turns them into HTTP answers
// (src/api/errors.ts), in one place.

export type DomainErrorKind = 'invalid' | 'not-found' | 'conflict';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** The input fields at fault, named as the caller gave them (`body.url`). */
    readonly fields?: string[],
  ) {
    super(message);
  }
}

/** The input is wrong; `fields` names which. */
export const invalidInput = (message: string, fields: string[]) => new DomainError('invalid', message, fields);
export const notFoundError = (what: string) => new DomainError('not-found', `${what} not found`);
/** The request is valid but the thing's current state does not allow it. */
export const conflictError = (message: string) => new DomainError('conflict', message);
