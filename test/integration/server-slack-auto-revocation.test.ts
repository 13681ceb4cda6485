/**
 * `serverSideRevocation: auto` (issue #12), the default for new policies: `user` for a
 * verified identity when a Grid connection works, else nothing at Slack, each decision
 * with its reason on the verdict's timeline; an insider's device that merely claims a user
 * reaches nobody's sessions. Stored policies keep their value, and the dashboard tells
 * their admins once what `auto` would do (until dismissed); the policy editor explains
 * each mode in a sentence.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ORG_POLICY } from '../../src/shared/policy/org-policy';
import { FAKE_ACCESS_TOKEN, startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api';
import { postForm, signIn } from './server-support/admin-session';
import { stopPostgres, DIALECTS } from './server-support/test-store';
import { createSlackTestApp, downloadsPolicy, SLACK_USER, type SlackTestApp } from './server-support/slack-app';

let fake: FakeSlackApi;
let t: SlackTestApp;
beforeAll(async () => {
  fake = await startFakeSlackApi();
});
afterAll(async () => {
  await fake.close();
  await stopPostgres();
});
afterEach(async () => {
  await t?.close();
  fake.calls.splice(0);
  fake.sessions = [];
});

const serverSide = async (verdictId: string) => (await t.api('GET', `/api/verdicts/${verdictId}/server-side`)).body;
const downloads = { excessive_downloads: { maxFiles: 2, maxBytes: 1e12, windowSeconds: 60 } };

describe.each(DIALECTS)('serverSideRevocation: auto (%s)', (dialect) => {
  it('is the default for new policies and ends every session of a verified user over a working Grid connection', async () => {
    expect(DEFAULT_ORG_POLICY.serverSideRevocation).toBe('auto');
    t = await createSlackTestApp(dialect, { detectors: downloads }, fake);
    await t.connect();
    const device = await t.guardedDevice();

    const verdictId = await t.triggerVerdict(device);
    await t.slack.tick();
    await t.slack.tick();

    expect(fake.callsTo('admin.users.session.reset').map((c) => c.params)).toEqual([{ user_id: SLACK_USER }]);
    const view = await serverSide(verdictId);
    expect(view.revocation).toMatchObject({ status: 'done', mode: 'user', userId: SLACK_USER });
    expect(view.timeline[0]).toMatchObject({
      kind: 'queued',
      detail: { mode: 'user', requested: 'auto', why: expect.stringContaining('Enterprise Grid') },
    });
    expect(await t.poll(device)).toEqual([verdictId]); // and the device is cleared, as always
  });

  it('asks nothing of Slack without a Grid connection, and says why', async () => {
    t = await createSlackTestApp(dialect, downloadsPolicy('auto'), fake);
    const res = await t.api('PUT', '/api/slack/connection', { token: FAKE_ACCESS_TOKEN }); // a paid workspace, not Grid
    expect(res.status).toBe(200);
    const device = await t.guardedDevice();

    const verdictId = await t.triggerVerdict(device);
    await t.slack.tick();

    expect(fake.calls.filter((c) => c.method.startsWith('admin.users.session'))).toEqual([]);
    const view = await serverSide(verdictId);
    expect(view.revocation).toMatchObject({ status: 'not_requested', mode: 'none' });
    expect(view.timeline).toEqual([
      expect.objectContaining({
        kind: 'skipped',
        detail: { requested: 'auto', mode: 'none', why: 'the Slack connection is not an Enterprise Grid org' },
      }),
    ]);
    expect(await t.poll(device)).toEqual([verdictId]);
  });

  it('an insider’s device that claims a user ends nobody’s Slack sessions under auto', async () => {
    t = await createSlackTestApp(dialect, downloadsPolicy('auto'), fake);
    await t.connect();
    const insider = await t.claimingDevice(SLACK_USER);

    const verdictId = await t.triggerVerdict(insider);
    await t.slack.tick();

    expect(fake.callsTo('admin.users.session.reset')).toEqual([]);
    const view = await serverSide(verdictId);
    expect(view.revocation).toMatchObject({ status: 'not_requested', mode: 'none' });
    expect(view.timeline[0].detail.why).toMatch(/not verified/);
  });

  it('a stored policy keeps its value; the dashboard says once what auto would do, until dismissed', async () => {
    t = await createSlackTestApp(dialect, downloadsPolicy('none'), fake);
    await t.connect();
    const device = await t.guardedDevice();
    const verdictId = await t.triggerVerdict(device);
    await t.slack.tick();
    const admin = await signIn(t.app, t.store.db);

    const before = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: admin.cookie } });
    const policy = await t.app.inject({ method: 'GET', url: '/policy', headers: { cookie: admin.cookie } });
    const forged = await postForm(t.app, '/notices/auto-revocation/dismiss', admin, { _csrf: 'forged' });
    const dismissed = await postForm(t.app, '/notices/auto-revocation/dismiss', admin, { _csrf: admin.csrf });
    const after = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: admin.cookie } });

    expect((await serverSide(verdictId)).revocation).toMatchObject({ status: 'not_requested', mode: 'none' });
    expect(fake.callsTo('admin.users.session.reset')).toEqual([]);
    expect(before.body).toContain('id="auto-revocation-notice"');
    expect(before.body).toContain('serverSideRevocation: none');
    expect(before.body).toContain('would also end every Slack session of that user');
    expect(policy.body).toMatch(
      /<dt><code>none<\/code> <span class="badge ok">in force<\/span><\/dt><dd>Nothing at Slack/,
    );
    for (const mode of ['auto', 'user', 'session']) expect(policy.body).toContain(`<dt><code>${mode}</code>`);
    expect(forged.statusCode).toBe(403);
    expect(dismissed.statusCode).toBe(303);
    expect(after.body).not.toContain('auto-revocation-notice');
    const audit = await t.store.db
      .selectFrom('audit_log')
      .select(['action', 'target'])
      .where('action', '=', 'dashboard.notice.dismiss')
      .execute();
    expect(audit).toEqual([{ action: 'dashboard.notice.dismiss', target: 'auto_revocation' }]);
  });
});
