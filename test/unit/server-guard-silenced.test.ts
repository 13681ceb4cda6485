/**
 * The guard_silenced decision (issue #12), pure: silent long enough AND Slack saw the
 * user after the last report, from this browser unless the policy counts every client.
 */
import { describe, expect, it } from 'vitest';
import { silencedWhileActive } from '../../src/server/silence/guard-silenced';
import type { SlackActivity } from '../../src/server/silence/slack-activity';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0';
const device = { id: 'dev-1', userAgent: UA, lastSeenAt: 1_000_000 };
const policy = { silenceSeconds: 900, activity: 'same_browser' as const };
const seen = (at: number, ua: string | null = UA): SlackActivity => ({
  at,
  source: 'audit_log',
  ref: `e${at}`,
  action: 'file_downloaded',
  ip: '203.0.113.10',
  ua,
});

describe('silencedWhileActive', () => {
  it('fires once silent past the window with same-browser activity after the last report', () => {
    const detection = silencedWhileActive(device, [seen(1_060_000)], policy, 1_000_000 + 900_000);

    expect(detection?.evidence).toMatchObject({ how: 'silent', silentSeconds: 900, lastReportAt: 1_000_000 });
  });

  it('stays quiet before the window ends, for activity before the last report, or from another client', () => {
    const now = 1_000_000 + 3600_000;

    expect(silencedWhileActive(device, [seen(1_060_000)], policy, 1_000_000 + 899_999)).toBeNull();
    expect(silencedWhileActive(device, [seen(1_000_000), seen(900_000)], policy, now)).toBeNull();
    expect(
      silencedWhileActive(device, [seen(1_060_000, 'Slack/4.41 Electron'), seen(1_070_000, null)], policy, now),
    ).toBeNull();
  });

  it('counts every client when the policy says activity: any', () => {
    const detection = silencedWhileActive(
      device,
      [seen(1_060_000, 'Slack/4.41 Electron')],
      { ...policy, activity: 'any' },
      1_000_000 + 3600_000,
    );

    expect(detection).not.toBeNull();
    expect((detection!.evidence.activity as { sameUserAgent: boolean }[])[0]!.sameUserAgent).toBe(false);
  });
});
