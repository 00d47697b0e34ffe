// Minimal stand-in, created by the console's branch: the customer-portal work owns this file and
// replaces it with the configured origins. Until then the console refuses every frame.
import type { Config } from '../../config';

/** The CSP `frame-ancestors` value for the console opened through a portal link. */
export function portalFrameAncestors(_config: Config): string {
  return "'none'";
}
