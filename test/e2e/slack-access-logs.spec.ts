/**
 * Off-device use on a paid plan without Enterprise Grid (issue #12), in real Chromium with
 * the built extension under a real managed policy and the backend as a real process: the
 * Slack token has `admin` but not `auditlogs:read`, so the backend reads `team.accessLogs`
 * from the fake Slack API. A login of the verified user from an unknown address and
 * client becomes a finding and a verdict the browser executes (its Slack cookie is
 * cleared); the same pages read again add nothing. Under the default `auto`, without a
 * Grid connection, nothing is asked of Slack's admin API, and the device's own sign-out
 * at Slack makes a copy of `d` taken before the login worthless.
 */
import assert from 'node:assert/strict';
import { withSlackApi } from './harness/slack-api-fixtures';
import { expect } from './harness/fixtures';
import type { Backend } from './harness/backend';
import { replay } from './harness/slack-replay';
import { USER_ID } from '../fakes/fake-slack';
import { accessLogin, FAKE_ACCESS_TOKEN } from '../fakes/fake-slack-api';

const test = withSlackApi();

const now = () => Math.floor(Date.now() / 1000);
const status = async (backend: Backend) => backend.api('/api/slack/connection');

test.use({ orgPolicy: { mode: 'enforce', detectors: { session_used_off_device: { action: 'terminate' } } } });

test('a verified user’s login from an unknown address and client clears the browser’s Slack session', async ({
  slack,
  backend,
  slackApi,
}) => {
  expect(
    await backend.api('/api/slack/connection', { method: 'PUT', body: JSON.stringify({ token: FAKE_ACCESS_TOKEN }) }),
  ).toMatchObject({ connected: true, scopes: ['admin'] });
  expect((await status(backend)).feed).toMatchObject({ source: 'access_logs' });
  await expect.poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0).toBe(1);
  await slack.signIn();
  let device: { id: string; userId: string | null; identity: string | null; userAgent: string } | undefined;
  await expect
    .poll(async () => ((device = (await backend.api('/api/devices')).devices?.[0]), device?.identity))
    .toBe('verified');

  slackApi.accessLogs.push(
    accessLogin({ userId: USER_ID, ip: '127.0.0.1', ua: device!.userAgent, first: now() - 60, last: now() - 2 }),
  );
  await expect.poll(async () => (await status(backend)).accessLog.entriesSeen, { timeout: 20_000 }).toBe(1);
  await expect.poll(async () => (await status(backend)).accessLog.pendingEntries).toBe(0);
  expect(await slack.sessionCookie()).toMatch(/^xoxd-/); // the device's own login is not a finding

  const copied = await slack.sessionCookie(); // what an infostealer took from this browser
  assert(copied);
  slackApi.accessLogs.push(
    accessLogin({ userId: USER_ID, ip: '198.51.100.7', ua: 'python-requests/2.31', first: now() - 1, last: now() - 1 }),
  );
  const loggedAt = Date.now();
  await expect.poll(() => slack.sessionCookie(), { intervals: [50], timeout: 20_000 }).toBeUndefined();
  console.log(`access-log login available → cookie cleared: ${Date.now() - loggedAt} ms (poll 1 s, Tier 2 gap 3 s)`);

  const [finding, ...more] = (await backend.api('/api/findings')).findings;
  expect(more).toEqual([]);
  expect(finding).toMatchObject({ reason: 'session_used_off_device', outcome: 'verdict_issued', deviceId: device!.id });
  expect(finding.evidence).toMatchObject({ source: 'team.accessLogs', ip: '198.51.100.7' });
  // The device signed the session out at Slack too: the thief's copy is refused.
  await expect
    .poll(async () => (await backend.api('/api/verdicts')).verdicts?.[0]?.ack?.slackSignout?.status, {
      timeout: 15_000,
    })
    .toBe('confirmed');
  expect(JSON.parse((await replay(slack.fake.port, copied, '/api/auth.test')).body)).toEqual({
    ok: false,
    error: 'invalid_auth',
  });

  // The same pages again (two more reads, at least 3 s apart): nothing new.
  const reads = slackApi.callsTo('team.accessLogs').length;
  await expect.poll(() => slackApi.callsTo('team.accessLogs').length, { timeout: 20_000 }).toBeGreaterThan(reads + 1);
  expect((await status(backend)).accessLog).toMatchObject({ entriesSeen: 2, pendingEntries: 0, lastError: null });
  expect((await backend.api('/api/findings')).findings).toHaveLength(1);
  const at = slackApi.callsTo('team.accessLogs').map((c) => c.at);
  const gaps = at.slice(1).map((x, i) => x - at[i]!);
  console.log(`team.accessLogs request gaps as the fake received them: ${gaps.join(', ')} ms`);
  // Paced at 3 s when sent; arrival in another process adds a few ms of jitter either way.
  // The exact bound is proven on a driven clock (server-slack-request-spacing.test.ts).
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2900);
  // `auto` without a Grid connection: the device is cleared, Slack's admin API is not asked.
  expect(slackApi.calls.filter((c) => c.method.startsWith('admin.users.session'))).toEqual([]);
  const revocation = (await backend.api(`/api/verdicts/${finding.verdictId}/server-side`)).revocation;
  expect(revocation).toMatchObject({ mode: 'none', status: 'not_requested' });
});
