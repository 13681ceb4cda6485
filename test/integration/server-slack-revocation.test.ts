/**
 * Server-side revocation on a verdict (issue #7), against the fake Slack API and a real
 * store of each dialect: exactly one reset (or one invalidate per foreign session) per
 * verdict however often the worker runs, 429 Retry-After honoured, failures retried on
 * the schedule, and Slack's refusals in the verdict's timeline, never swallowed.
 */
import { describe, expect, it } from 'vitest';
import { FAKE_TOKEN, type FakeSlackApi } from '../fakes/fake-slack-api';
import { DIALECTS } from './server-support/test-store';
import {
  createSlackTestApp,
  downloadsPolicy,
  OFFICE_IP,
  SLACK_USER,
  type SlackTestApp,
  useFakeSlackApi,
} from './server-support/slack-app';

let fake: FakeSlackApi;
let t: SlackTestApp;
useFakeSlackApi({ started: (f) => (fake = f), app: () => t });

const session = (id: number, ip: string, os = 'Linux') => ({
  session_id: id,
  team_id: 'T0SGUARD01',
  user_id: SLACK_USER,
  created: { device_hardware: 'Computer', os, ip },
  recent: { device_hardware: 'Computer', os, ip },
});
const timeline = async (verdictId: string) => (await t.api('GET', `/api/verdicts/${verdictId}/server-side`)).body;

describe.each(DIALECTS)('server-side revocation (%s)', (dialect) => {
  it('resets the verdict user’s sessions exactly once, however often the worker runs', async () => {
    t = await createSlackTestApp(dialect, downloadsPolicy('user'), fake);
    await t.connect();
    const device = await t.guardedDevice();

    const verdictId = await t.triggerVerdict(device);
    await t.slack.tick();
    await t.slack.tick();
    t.clock.now += 60_000;
    await t.slack.tick();

    expect(fake.callsTo('admin.users.session.reset').map((c) => c.params)).toEqual([{ user_id: SLACK_USER }]);
    const view = await timeline(verdictId);
    expect(view.revocation).toMatchObject({ status: 'done', mode: 'user', userId: SLACK_USER, attempts: 1 });
    expect(view.timeline.map((e: any) => e.kind)).toEqual(['queued', 'reset', 'done']);
  });

  it('invalidates only the session that is not the guarded device’s', async () => {
    t = await createSlackTestApp(dialect, downloadsPolicy('session'), fake);
    fake.sessions = [session(1001, OFFICE_IP), session(1002, '198.51.100.7', 'Windows')];
    await t.connect();
    const device = await t.guardedDevice();

    const verdictId = await t.triggerVerdict(device);
    await t.slack.tick();
    await t.slack.tick();

    expect(fake.callsTo('admin.users.session.invalidate').map((c) => c.params)).toEqual([
      { session_id: 1002, team_id: 'T0SGUARD01' },
    ]);
    expect(fake.callsTo('admin.users.session.reset')).toEqual([]);
    expect(fake.sessions.map((s) => s.session_id)).toEqual([1001]);
    const kinds = (await timeline(verdictId)).timeline.map((e: any) => [e.kind, e.detail.sessionId ?? null]);
    expect(kinds).toEqual([
      ['queued', null],
      ['call', null],
      ['kept', '1001'],
      ['invalidated', '1002'],
      ['done', null],
    ]);
  });

  it('asks Slack for nothing when the verdict’s policy says none', async () => {
    t = await createSlackTestApp(dialect, downloadsPolicy('none'), fake);
    await t.connect();
    const device = await t.guardedDevice();

    const verdictId = await t.triggerVerdict(device);
    await t.slack.tick();

    expect(fake.calls.filter((c) => c.method.startsWith('admin.'))).toEqual([]);
    expect((await timeline(verdictId)).revocation).toMatchObject({ status: 'not_requested', mode: 'none' });
  });

  it('waits exactly as long as Retry-After says, then succeeds', async () => {
    t = await createSlackTestApp(dialect, downloadsPolicy('user'), fake);
    await t.connect();
    const device = await t.guardedDevice();
    fake.failNext('admin.users.session.reset', { status: 429, retryAfter: 30 });

    const verdictId = await t.triggerVerdict(device);
    await t.slack.tick();
    const waiting = (await timeline(verdictId)).revocation;
    t.clock.now += 29_000;
    await t.slack.tick();
    const callsBefore = fake.callsTo('admin.users.session.reset').length;
    t.clock.now += 1_000;
    await t.slack.tick();

    expect(waiting).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: t.clock.now });
    expect(callsBefore).toBe(1);
    expect(fake.callsTo('admin.users.session.reset').map((c) => c.status)).toEqual([429, 200]);
    expect((await timeline(verdictId)).revocation.status).toBe('done');
  });

  it('retries a Slack outage on the backoff schedule and records each failure', async () => {
    t = await createSlackTestApp(dialect, downloadsPolicy('user'), fake);
    await t.connect();
    const device = await t.guardedDevice();
    fake.failNext('admin.users.session.reset', { status: 500 }, 2);

    const verdictId = await t.triggerVerdict(device);
    await t.slack.tick();
    t.clock.now += 1_100;
    await t.slack.tick();
    t.clock.now += 5_500;
    await t.slack.tick();

    const view = await timeline(verdictId);
    expect(view.revocation).toMatchObject({ status: 'done', attempts: 3 });
    expect(view.timeline.filter((e: any) => e.kind === 'retry').map((e: any) => e.detail.error)).toEqual([
      'internal_error',
      'internal_error',
    ]);
  });

  it.each([
    ['feature_not_enabled', () => fake.featureDisabled.add('admin.users.session.reset')],
    ['cannot_reset_primary_owner', () => fake.primaryOwners.add(SLACK_USER)],
    ['invalid_auth', () => fake.tokens.delete(FAKE_TOKEN)],
  ])('shows Slack’s %s in the verdict’s timeline and fails the job without retrying', async (code, arrange) => {
    t = await createSlackTestApp(dialect, downloadsPolicy('user'), fake);
    await t.connect();
    const device = await t.guardedDevice();
    arrange();

    const verdictId = await t.triggerVerdict(device);
    await t.slack.tick();
    t.clock.now += 60_000;
    await t.slack.tick();

    const view = await timeline(verdictId);
    expect(view.revocation).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining(code) });
    expect(view.timeline.map((e: any) => [e.kind, e.detail.error ?? null])).toEqual([
      ['queued', null],
      ['call', code],
      ['failed', code],
    ]);
    expect(fake.callsTo('admin.users.session.reset')).toHaveLength(1);
    expect((await t.api('GET', '/api/slack/revocations?status=failed')).body.revocations).toHaveLength(1);
  });

  it('fails with no_verified_slack_user when the device never said who is signed in', async () => {
    t = await createSlackTestApp(dialect, downloadsPolicy('user'), fake);
    await t.connect();
    const device = await t.enroll();

    const verdictId = await t.triggerVerdict(device);
    await t.slack.tick();

    expect((await timeline(verdictId)).revocation).toMatchObject({
      status: 'failed',
      lastError: expect.stringContaining('no_verified_slack_user'),
    });
    expect(fake.callsTo('admin.users.session.reset')).toEqual([]);
  });

  it('keeps retrying while Slack is not connected, and revokes once it is', async () => {
    t = await createSlackTestApp(dialect, downloadsPolicy('user'), fake);
    const device = await t.guardedDevice();

    const verdictId = await t.triggerVerdict(device);
    await t.slack.tick();
    const before = (await timeline(verdictId)).revocation;
    await t.connect();
    t.clock.now += 1_100;
    await t.slack.tick();

    expect(before).toMatchObject({ status: 'pending', lastError: expect.stringContaining('not_connected') });
    expect((await timeline(verdictId)).revocation.status).toBe('done');
    expect(fake.callsTo('admin.users.session.reset')).toHaveLength(1);
  });
});
