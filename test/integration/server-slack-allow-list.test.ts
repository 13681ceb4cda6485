/**
 * Optional allow-list sync (issue #7): Slack's `updateItem` replaces the whole list, so
 * the policy's trusted CIDRs are merged into what Slack has (read, merge, write), entries
 * others added survive, ours leave when the policy drops them, and nothing is written
 * when nothing changed.
 */
import { describe, expect, it } from 'vitest';
import { type FakeSlackApi } from '../fakes/fake-slack-api';
import { DIALECTS } from './server-support/test-store';
import { createSlackTestApp, type SlackTestApp, useFakeSlackApi } from './server-support/slack-app';

let fake: FakeSlackApi;
let t: SlackTestApp;
useFakeSlackApi({ started: (f) => (fake = f), app: () => t });

describe.each(DIALECTS)('allow-list sync (%s)', (dialect) => {
  it('merges the policy’s IPv4 CIDRs into Slack’s list once, and takes them out when the policy drops them', async () => {
    fake.allowList = { trusted_cidr: ['192.0.2.0/24'], trusted_asns: [64500] };
    t = await createSlackTestApp(
      dialect,
      { syncTrustedCidrsToSlack: true, trustedCidrs: ['203.0.113.0/24', '2001:db8::/32'] },
      fake,
    );
    await t.connect();

    await t.slack.tick();
    await t.slack.tick();
    const afterFirst = structuredClone(fake.allowList);
    await t.setPolicy({ syncTrustedCidrsToSlack: true, trustedCidrs: [] });
    await t.slack.tick();

    expect(afterFirst).toEqual({ trusted_cidr: ['192.0.2.0/24', '203.0.113.0/24'], trusted_asns: [64500] });
    expect(fake.callsTo('admin.audit.anomaly.allow.updateItem')).toHaveLength(2);
    expect(fake.allowList).toEqual({ trusted_cidr: ['192.0.2.0/24'], trusted_asns: [64500] });
    const status = (await t.api('GET', '/api/slack/connection')).body.allowList;
    expect(status).toMatchObject({ enabled: true, lastError: null, pushed: [] });
  });

  it('names the IPv6 CIDRs Slack cannot take, and reads without writing when Slack already has the rest', async () => {
    fake.allowList = { trusted_cidr: ['203.0.113.0/24'], trusted_asns: [] };
    t = await createSlackTestApp(
      dialect,
      { syncTrustedCidrsToSlack: true, trustedCidrs: ['203.0.113.0/24', '2001:db8::/32'] },
      fake,
    );
    await t.connect();

    await t.slack.tick();

    expect(fake.callsTo('admin.audit.anomaly.allow.getItem')).toHaveLength(1);
    expect(fake.callsTo('admin.audit.anomaly.allow.updateItem')).toEqual([]);
    expect((await t.api('GET', '/api/slack/connection')).body.allowList).toMatchObject({
      skipped: ['2001:db8::/32'],
      pushed: [],
    });
  });

  it('asks Slack nothing when the policy does not ask for a sync', async () => {
    t = await createSlackTestApp(dialect, { trustedCidrs: ['203.0.113.0/24'] }, fake);
    await t.connect();

    await t.slack.tick();

    expect(fake.calls.filter((c) => c.method.startsWith('admin.audit'))).toEqual([]);
  });
});
