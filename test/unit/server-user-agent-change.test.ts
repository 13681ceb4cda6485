/**
 * `user_agent` from Slack's logs (issue #14), the pure rule: a client older than the one
 * the user's guarded browsers run is a downgrade; a user agent none of them has is
 * unexpected; the same browser, only updated since it last reported, is neither.
 */
import { describe, expect, it } from 'vitest';
import { clientVersion, userAgentChange } from '../../src/server/slack/user-agent-change';

const LINUX_CHROME = (v: number) =>
  `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`;
const EDGE = (v: number) => `${LINUX_CHROME(v)} Edg/${v}.0.0.0`;
const SLACK_DESKTOP = (minor: number) =>
  `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Slack/4.${minor}.105 Chrome/130.0.0.0 Electron/33.2.0 Safari/537.36 Sonic Slack_SSB/4.${minor}.105`;
const guarded = new Set([LINUX_CHROME(156)]);

describe('user_agent from Slack’s logs', () => {
  it('names the product and version, the most specific token first', () => {
    expect(clientVersion(LINUX_CHROME(156))).toEqual({ product: 'Chrome', version: 156 });
    expect(clientVersion(EDGE(150))).toEqual({ product: 'Edge', version: 150 });
    expect(clientVersion(SLACK_DESKTOP(41))).toEqual({ product: 'Slack desktop', version: 4.041 });
    expect(clientVersion('python-requests/2.31')).toBeNull();
  });

  it('calls an older Chrome than the guarded one a client downgrade', () => {
    const found = userAgentChange(LINUX_CHROME(120), guarded);
    expect(found?.evidence).toMatchObject({
      userAgentDetails: 'client-downgrade',
      client: { product: 'Chrome', version: 120 },
      newestGuardedVersion: 156,
    });
    expect(found?.summary).toContain('Chrome 120, older than the Chrome 156');
  });

  it('calls a client none of the devices has unexpected, whatever its version', () => {
    expect(userAgentChange('python-requests/2.31', guarded)?.evidence).toMatchObject({
      userAgentDetails: 'unexpected-user-agent',
      client: null,
    });
    // Edge is not the guarded Chrome, even though its user agent also says Chrome.
    expect(userAgentChange(EDGE(120), guarded)?.evidence).toMatchObject({ userAgentDetails: 'unexpected-user-agent' });
    expect(userAgentChange(SLACK_DESKTOP(40), new Set([SLACK_DESKTOP(41)]))?.evidence).toMatchObject({
      userAgentDetails: 'client-downgrade',
    });
  });

  it('leaves the guarded browser alone, as reported or updated since', () => {
    expect(userAgentChange(LINUX_CHROME(156), guarded)).toBeNull();
    expect(userAgentChange(LINUX_CHROME(157), guarded)).toBeNull();
    expect(userAgentChange(`  ${LINUX_CHROME(156)} `, guarded)).toBeNull();
  });

  it('says nothing without a user agent or without a guarded one to compare with', () => {
    expect(userAgentChange(null, guarded)).toBeNull();
    expect(userAgentChange('', guarded)).toBeNull();
    expect(userAgentChange(LINUX_CHROME(120), new Set())).toBeNull();
  });
});
