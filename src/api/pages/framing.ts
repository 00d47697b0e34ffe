// Who may frame Herald's pages. Every page answers `frame-ancestors 'none'` (no clickjacking)
// except the console in portal mode, which a workspace embeds in an iframe on its own site: the
// origins in HERALD_PORTAL_FRAME_ANCESTORS may frame it. The setting is the deployment's, not a
// workspace's: the portal token is in the URL's fragment, which never reaches the server, so the
// answer for the console's page cannot depend on whose link opened it.
import type { Config } from '../../config';

/** The CSP `frame-ancestors` value of the console's page: the configured origins, or `'none'`. */
export function portalFrameAncestors(config: Pick<Config, 'portalFrameAncestors'>): string {
  return config.portalFrameAncestors.length > 0 ? config.portalFrameAncestors.join(' ') : "'none'";
}
