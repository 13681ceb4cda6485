import { assert, describe, expect, it } from 'vitest';
import { mergeAllowList } from '../../src/server/slack/allow-list-sync';
import { sessionUsedOffDevice } from '../../src/server/slack/correlation';
import { osFamily } from '../../src/server/slack/device-footprint';
import { decideSessions, type SlackSession } from '../../src/server/slack/session-match';

const guarded = {
  addresses: new Set(['203.0.113.10']),
  osFamilies: new Set(['linux']),
  userAgents: new Set(['Mozilla/5.0 (X11; Linux x86_64) Chrome/156']),
  deviceIds: ['dev1'],
};
const session = (id: number, ip: string | undefined, os = 'Linux'): SlackSession => ({
  session_id: id,
  team_id: 'T1',
  user_id: 'U1',
  created: { device_hardware: 'Computer', os, ip: ip ?? '' },
  ...(ip ? { recent: { device_hardware: 'Computer', os, ip } } : {}),
});

describe('which Slack sessions belong to the guarded device', () => {
  it('keeps the session used from the address the device reports from, and ends the one used elsewhere', () => {
    const decisions = decideSessions([session(1, '203.0.113.10'), session(2, '198.51.100.7')], guarded);

    expect(decisions.map((d) => [d.sessionId, d.action])).toEqual([
      ['1', 'keep'],
      ['2', 'invalidate'],
    ]);
    expect(decisions[1]!.why).toContain('198.51.100.7');
  });

  it('ends a session from the office address when it runs another OS than the guarded devices', () => {
    const [decision] = decideSessions([session(3, '203.0.113.10', 'Windows')], guarded);
    assert(decision);

    expect(decision.action).toBe('invalidate');
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address', () => {
    const [decision] = decideSessions([session(4, '::ffff:203.0.113.10')], guarded);
    assert(decision);

    expect(decision.action).toBe('keep');
  });

  it('leaves a session with no address alone, and says why', () => {
    const [decision] = decideSessions([session(5, undefined)], guarded);

    expect(decision).toMatchObject({ action: 'keep', why: expect.stringContaining('no address') });
  });

  it('always ends the session the audit log saw off-device, even from a known address', () => {
    const [decision] = decideSessions([session(6, '203.0.113.10')], guarded, new Set(['6']));
    assert(decision);

    expect(decision.action).toBe('invalidate');
  });

  it('names OS families the way Slack and browsers write them', () => {
    expect(
      ['Mac OS X', 'macOS', 'Windows', 'iOS', 'iPhone OS', 'Android', 'Linux', 'Chrome OS', 'elsewhere'].map(osFamily),
    ).toEqual(['macos', 'macos', 'windows', 'ios', 'ios', 'android', 'linux', 'chromeos', null]);
  });
});

describe('session_used_off_device', () => {
  const policy = { trustedCidrs: [] as string[], recentSeconds: 86_400 };
  const activity = (ip: string | null, ua: string | null) => ({
    entryId: 'e1',
    action: 'file_downloaded',
    ip,
    ua,
    sessionId: '42',
    at: 1_700_000_000_000,
  });

  it('fires for activity from an address no guarded device used', () => {
    const detection = sessionUsedOffDevice(activity('198.51.100.7', [...guarded.userAgents][0]!), guarded, policy);

    expect(detection?.evidence).toMatchObject({
      ip: '198.51.100.7',
      unknownAddress: true,
      unknownUserAgent: false,
      slackSessionId: '42',
    });
  });

  it('fires for a user agent no guarded device reported, from a known address', () => {
    expect(
      sessionUsedOffDevice(activity('203.0.113.10', 'python-requests/2.31'), guarded, policy)?.evidence,
    ).toMatchObject({ unknownUserAgent: true });
  });

  it('stays quiet for activity that looks like the guarded device', () => {
    expect(sessionUsedOffDevice(activity('203.0.113.10', [...guarded.userAgents][0]!), guarded, policy)).toBeNull();
  });

  it('counts an address inside the trusted CIDRs as known', () => {
    expect(
      sessionUsedOffDevice(activity('198.51.100.7', null), guarded, { ...policy, trustedCidrs: ['198.51.100.0/24'] }),
    ).toBeNull();
  });

  it('says nothing about users without a guarded device', () => {
    expect(sessionUsedOffDevice(activity('198.51.100.7', null), { ...guarded, deviceIds: [] }, policy)).toBeNull();
  });
});

describe('allow-list merge (updateItem replaces the whole list)', () => {
  it('adds the policy CIDRs to what Slack has and keeps entries others added', () => {
    const merge = mergeAllowList(['192.0.2.0/24'], ['203.0.113.0/24'], []);

    expect(merge).toEqual({ next: ['192.0.2.0/24', '203.0.113.0/24'], pushed: ['203.0.113.0/24'], changed: true });
  });

  it('takes out a CIDR it added once the policy drops it, but never one it found there', () => {
    const merge = mergeAllowList(['192.0.2.0/24', '203.0.113.0/24'], [], ['203.0.113.0/24']);

    expect(merge).toEqual({ next: ['192.0.2.0/24'], pushed: [], changed: true });
  });

  it('does not claim a CIDR that was already there, and writes nothing when nothing changes', () => {
    const merge = mergeAllowList(['192.0.2.0/24'], ['192.0.2.0/24'], []);

    expect(merge).toEqual({ next: ['192.0.2.0/24'], pushed: [], changed: false });
  });
});
