/**
 * Issue #14's policy shape in the engine and the audit connector, over real stores:
 * per-detector `excludedUsers` and `excludedGroups` (groups listed by the fake Slack's
 * usergroups.users.list when the token may, matching nobody when it may not), and
 * `slackAnomalies.<reason>`: Slack's own anomaly events as alerts by default, as verdicts
 * for the verified user's guarded device under `terminate`, and spared when excluded.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, assert, beforeAll, describe, expect, it } from 'vitest';
import type { OrgPolicyInput } from '../../src/shared/policy/org-policy';
import type { Signal } from '../../src/shared/protocol/signals';
import { auditEntry, FAKE_TOKEN, startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api';
import { DIALECTS, stopPostgres } from './server-support/test-store';
import { createSlackTestApp, SLACK_USER, type SlackTestApp } from './server-support/slack-app';

let fake: FakeSlackApi;
let t: SlackTestApp;
let scopes: string[];
beforeAll(async () => {
  fake = await startFakeSlackApi();
  scopes = [...fake.tokens.get(FAKE_TOKEN)!.scopes];
});
afterAll(async () => {
  await fake.close();
  await stopPostgres();
});
afterEach(async () => {
  await t?.close();
  fake.audit.splice(0);
  fake.calls.splice(0);
  fake.usergroups.clear();
  fake.tokens.get(FAKE_TOKEN)!.scopes = [...scopes];
});

const ADMINS = 'S0ADMINS01';
const scrape = (): Signal => ({
  id: randomUUID(),
  type: 'api_calls',
  at: t.clock.now,
  sessionKey: null,
  method: 'search.messages',
  count: 500,
  windowStart: t.clock.now - 10_000,
  windowMs: 10_000,
});
const volume = (extra: Record<string, unknown>): OrgPolicyInput => ({
  detectors: { unexpected_api_call_volume: { action: 'terminate', maxCallsPerMinute: 100, ...extra } },
});
const findings = async () =>
  t.store.db.selectFrom('findings').selectAll().orderBy('detected_at').orderBy('reason').execute();
const verdicts = async () => t.store.db.selectFrom('verdicts').selectAll().execute();

describe.each(DIALECTS)('AER policy (%s)', (dialect) => {
  it('spares a user a detector excludes by id, whatever its action, and no one else', async () => {
    t = await createSlackTestApp(dialect, volume({ excludedUsers: [SLACK_USER] }), fake);
    const device = await t.guardedDevice();

    await t.send(device, [scrape()]);
    await t.setPolicy(volume({ action: 'alert', excludedUsers: [SLACK_USER] }));
    t.clock.now += 600_000;
    await t.send(device, [scrape()]);
    await t.setPolicy(volume({ excludedUsers: ['U0SOMEONE9'] }));
    t.clock.now += 600_000;
    await t.send(device, [scrape()]);

    expect((await findings()).map((f) => f.outcome)).toEqual(['excluded', 'excluded', 'verdict_issued']);
    expect(JSON.parse((await findings())[0]!.evidence)).toMatchObject({ exclusion: { by: 'rule' } });
    expect(await verdicts()).toHaveLength(1);
  });

  it('spares members of an excluded Slack user group when the token may list groups', async () => {
    fake.tokens.get(FAKE_TOKEN)!.scopes.push('usergroups:read');
    fake.usergroups.set(ADMINS, ['U0OTHER001', SLACK_USER]);
    t = await createSlackTestApp(dialect, volume({ excludedGroups: [ADMINS] }), fake);
    await t.connect();
    const device = await t.guardedDevice();

    await t.send(device, [scrape()]);

    const [finding] = await findings();
    assert(finding);
    expect(finding).toMatchObject({ outcome: 'excluded', subject: SLACK_USER });
    expect(JSON.parse(finding.evidence)).toMatchObject({ exclusion: { by: 'group', group: ADMINS } });
    expect(await verdicts()).toEqual([]);
    expect(fake.callsTo('usergroups.users.list').map((c) => c.params.usergroup)).toEqual([ADMINS]);
  });

  it('matches nobody by group when the token may not list groups: the attacker is still ended', async () => {
    fake.usergroups.set(ADMINS, [SLACK_USER]);
    t = await createSlackTestApp(dialect, volume({ excludedGroups: [ADMINS] }), fake);
    await t.connect();
    const device = await t.guardedDevice();

    await t.send(device, [scrape()]);

    expect((await findings()).map((f) => f.outcome)).toEqual(['verdict_issued']);
    expect(fake.callsTo('usergroups.users.list')).toEqual([]);
  });

  it('turns a Slack anomaly set to terminate into a verdict for the user\u2019s guarded device; others stay alerts', async () => {
    t = await createSlackTestApp(dialect, { slackAnomalies: { unexpected_client: { action: 'terminate' } } }, fake);
    await t.connect();
    const device = await t.guardedDevice();
    fake.audit.push(
      auditEntry({
        id: 'anom-client',
        at: Math.floor(t.clock.now / 1000) - 20,
        userId: SLACK_USER,
        action: 'anomaly',
        ip: '198.51.100.66',
        details: { reason: ['unexpected_client', 'tor'] },
      }),
    );

    await t.slack.tick();
    await t.slack.tick();

    const rows = await findings();
    expect(rows.map((f) => [f.detector, f.reason, f.outcome, f.device_id]).sort()).toEqual([
      ['slack_anomaly', 'tor', 'alert', device.id],
      ['slack_anomaly', 'unexpected_client', 'verdict_issued', device.id],
    ]);
    const [verdict] = await verdicts();
    assert(verdict);
    expect(JSON.parse(verdict.reasons)).toEqual(['unexpected_client']);
    expect(verdict.device_id).toBe(device.id);
    expect(await t.poll(device)).toEqual([verdict.id]);
  });

  it('records an excluded user\u2019s Slack anomaly as excluded, a string reason included, with no verdict', async () => {
    t = await createSlackTestApp(
      dialect,
      { slackAnomalies: { session_fingerprint: { action: 'terminate', excludedUsers: [SLACK_USER] } } },
      fake,
    );
    await t.connect();
    await t.guardedDevice();
    fake.audit.push(
      auditEntry({
        id: 'anom-fp',
        at: Math.floor(t.clock.now / 1000) - 20,
        userId: SLACK_USER,
        action: 'anomaly',
        details: { reason: 'session_fingerprint' },
      }),
    );

    await t.slack.tick();
    await t.slack.tick();

    expect((await findings()).map((f) => [f.reason, f.outcome])).toEqual([['session_fingerprint', 'excluded']]);
    expect(await verdicts()).toEqual([]);
  });
});
