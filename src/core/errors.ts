// Herald's domain errors: what went wrong, in Herald's terms, thrown by services and routes alike.
// Only the API's edge (src/api/plugins/errors.ts) knows which HTTP answer each one gets.

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
