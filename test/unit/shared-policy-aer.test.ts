/**
 * Issue #14's policy shape: every detector and each of Slack's 18 anomaly reasons takes
 * `excludedUsers` and `excludedGroups`; Slack anomalies are alerts unless set to
 * terminate; the issue's example document parses; unknown keys and malformed group ids
 * are refused with the field named; `{}` stays valid.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ORG_POLICY, parseOrgPolicy, SLACK_ANOMALY_REASONS } from '../../src/shared/policy/org-policy';

const ISSUE_EXAMPLE = {
  detectors: {
    asn: { enabled: true, action: 'alert', cloud: true, iocList: '/etc/session-guard/ioc.txt', newAsnAfterDays: 14 },
    unexpected_message_deletion: { enabled: true, action: 'terminate' },
    excessive_file_shares: { enabled: true, action: 'terminate' },
    unexpected_admin_action: { enabled: true, action: 'alert' },
    unexpected_scraping: { enabled: true, action: 'terminate' },
    spoofed_user_agent: { enabled: true, action: 'terminate' },
    user_agent: { enabled: true, action: 'alert' },
    tor: { enabled: true, action: 'terminate', excludedUsers: ['U0TRAVEL01'], excludedGroups: ['S0SECTEAM1'] },
  },
  slackAnomalies: { unexpected_client: { action: 'terminate', excludedUsers: [] } },
};

describe('AER policy shape', () => {
  it('keeps {} valid, with all 18 Slack reasons as alerts sparing nobody', () => {
    expect(SLACK_ANOMALY_REASONS).toHaveLength(18);
    expect(Object.keys(DEFAULT_ORG_POLICY.slackAnomalies).sort()).toEqual([...SLACK_ANOMALY_REASONS].sort());
    for (const reason of SLACK_ANOMALY_REASONS)
      expect(DEFAULT_ORG_POLICY.slackAnomalies[reason]).toEqual({
        action: 'alert',
        excludedUsers: [],
        excludedGroups: [],
      });
    for (const config of Object.values(DEFAULT_ORG_POLICY.detectors)) {
      expect(config.excludedUsers).toEqual([]);
      expect(config.excludedGroups).toEqual([]);
    }
  });

  it('parses the issue\u2019s example', () => {
    const result = parseOrgPolicy(ISSUE_EXAMPLE);
    if (!result.ok) throw new Error(result.error);
    expect(result.policy.detectors.tor).toMatchObject({
      excludedUsers: ['U0TRAVEL01'],
      excludedGroups: ['S0SECTEAM1'],
    });
    expect(result.policy.slackAnomalies.unexpected_client.action).toBe('terminate');
    expect(result.policy.slackAnomalies.tor.action).toBe('alert');
    expect(result.policy.detectors.unexpected_message_deletion.maxPerMinute).toBe(100);
  });

  it.each([
    [{ slackAnomalies: { unexpected_clients: { action: 'terminate' } } }, 'slackAnomalies'],
    [{ slackAnomalies: { tor: { action: 'terminate', enabled: true } } }, 'slackAnomalies.tor'],
    [{ slackAnomalies: { tor: { action: 'kill' } } }, 'slackAnomalies.tor.action'],
    [{ detectors: { tor: { excludedGroups: ['admins'] } } }, 'detectors.tor.excludedGroups.0'],
    [{ detectors: { tor: { excludedUser: ['U1'] } } }, 'detectors.tor'],
  ])('refuses %j, naming %s', (input, field) => {
    const result = parseOrgPolicy(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.startsWith(`${field}:`)).toBe(true);
  });
});
