/**
 * Who and what the backend hears about, in real Chromium (issue #4): the client
 * fingerprint is the same after a browser restart on the same profile and differs on a
 * browser with another user agent, time zone and languages; the Slack team and user come
 * from the page's local configuration and the token never leaves the page.
 */
import assert from 'node:assert/strict';
import { TEAM_ID, USER_ID } from '../fakes/fake-slack';
import { expect, extensionWorker, test } from './harness/extension-fixtures';
import type { StoredSignal } from './harness/backend-db';

const fingerprinted = (signals: StoredSignal[]) => signals.filter((s) => s.data.fingerprint);

test('reports the same fingerprint after the browser restarts on the same profile', async ({
  context,
  serviceWorker,
  stored,
  launch,
}) => {
  expect(serviceWorker.url()).toContain('background.js');
  await expect
    .poll(() => fingerprinted(stored()).length, { message: 'a fingerprint before the restart' })
    .toBeGreaterThan(0);
  const [first] = fingerprinted(stored());
  assert(first);
  const before = fingerprinted(stored()).length;

  await context.close();
  const restarted = await launch();
  await extensionWorker(restarted);
  await expect
    .poll(() => fingerprinted(stored()).length, { message: 'a fingerprint after the restart' })
    .toBeGreaterThan(before);

  const after = fingerprinted(stored()).at(-1)!;
  expect(after.id).not.toBe(first.id);
  expect(after.deviceId).toBe(first.deviceId);
  expect(after.data.fingerprint).toEqual(first.data.fingerprint);
  expect(first.data.fingerprint).toMatchObject({
    platform: expect.any(String),
    browserVersion: expect.stringMatching(/\d+\./),
    hardwareConcurrency: expect.any(Number),
    languages: expect.any(Array),
    timezone: expect.any(String),
    screen: { width: expect.any(Number), height: expect.any(Number) },
  });
});

test('reports a different fingerprint from a browser with another user agent, time zone and languages', async ({
  serviceWorker,
  stored,
  launch,
}) => {
  expect(serviceWorker.url()).toContain('background.js');
  await expect.poll(() => fingerprinted(stored()).length).toBeGreaterThan(0);
  const here = fingerprinted(stored())[0];
  assert(here);

  const elsewhere = await launch({
    name: 'other-machine',
    args: ['--lang=fr-FR', '--user-agent=Mozilla/5.0 (X11; Linux x86_64) SessionGuardOtherMachine/1.0'],
    env: { TZ: 'Asia/Tokyo' },
    locale: 'fr-FR',
  });
  await extensionWorker(elsewhere);
  await expect
    .poll(() => fingerprinted(stored()).filter((s) => s.deviceId !== here.deviceId).length, {
      message: 'the second browser enrolled and reported',
    })
    .toBeGreaterThan(0);

  const there = fingerprinted(stored()).find((s) => s.deviceId !== here.deviceId)!;
  expect(there.data.fingerprint.userAgent).toContain('SessionGuardOtherMachine');
  expect(there.data.fingerprint.timezone).toBe('Asia/Tokyo');
  expect(here.data.fingerprint.timezone).not.toBe('Asia/Tokyo');
  expect(there.data.fingerprint.languages[0]).toMatch(/^fr/);
  expect(here.data.fingerprint.languages[0]).not.toMatch(/^fr/);
  expect(there.data.fingerprint).not.toEqual(here.data.fingerprint);
});

test('names the Slack team and user from the page, never sending the token', async ({
  slack,
  stored,
  backend,
  probe,
}) => {
  await slack.signIn();

  await expect.poll(() => stored('slack_identity').length, { message: 'a slack_identity signal' }).toBe(1);
  const [identity] = stored('slack_identity');
  assert(identity);
  expect(identity.data).toMatchObject({ teamId: TEAM_ID, userId: USER_ID });
  expect(JSON.stringify(stored())).not.toContain('xoxc-');
  expect(JSON.stringify(stored())).not.toContain('xoxd-');
  await expect
    .poll(async () => (await backend.api('/api/devices')).devices.find((d: any) => d.id === identity.deviceId)?.userId)
    .toBe(USER_ID);

  // A reload reads the same identity: nothing new is reported.
  const heard = Number((await probe.stored('session', 'slackIdentityHeard')) ?? 0);
  expect(heard, 'the first load was judged').toBeGreaterThanOrEqual(1);
  await slack.page!.reload();
  await expect
    .poll(async () => Number((await probe.stored('session', 'slackIdentityHeard')) ?? 0), {
      message: 'the reloaded page’s report was judged',
    })
    .toBeGreaterThan(heard);
  expect(stored('slack_identity')).toHaveLength(1);
});
