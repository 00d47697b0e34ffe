// Who may frame the console in portal mode: the configured origins, or no one.
import { portalFrameAncestors } from '../../src/api/pages/framing';
import { loadConfig } from '../../src/config';

describe('portalFrameAncestors', () => {
  it("is 'none' unless origins are configured", () => {
    expect(portalFrameAncestors(loadConfig({}))).toBe("'none'");
  });

  it('lists the configured origins, as HERALD_PORTAL_FRAME_ANCESTORS gives them', () => {
    const config = loadConfig({ HERALD_PORTAL_FRAME_ANCESTORS: ' https://app.example.com  https://*.Example.org:8443 ' });
    expect(portalFrameAncestors(config)).toBe('https://app.example.com https://*.example.org:8443');
  });
});
