// The outgoing request as a person may see it: every value that proves or grants something is
// masked. Herald's signature and Basic credentials always are; so is every custom header value
// (write-only, like the secret), and any header whose name says it carries a credential.
import type { OutgoingRequest } from './request';

export const MASK = '••••';

const CREDENTIAL_NAME = /auth|token|secret|key|signature|password|passwd|cookie|session|credential/i;

/** Whether a header's value is hidden whatever it is: Authorization, the signatures, anything named like a credential. */
export function isSecretHeader(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

/** The request with its secret header values replaced by MASK; `customHeaderNames` are the webhook's own headers, all masked. */
export function redactRequest(request: OutgoingRequest, customHeaderNames: readonly string[]): OutgoingRequest {
  const custom = new Set(customHeaderNames.map((name) => name.trim().toLowerCase()));
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, isSecretHeader(name) || custom.has(name.toLowerCase()) ? MASK : value]),
  );
  return { ...request, headers };
}
