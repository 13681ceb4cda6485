/**
 * Firefox, proven in Firefox (issue 15): Debian's firefox-esr force-installs the XPI the
 * backend serves, under the `policies.json` that `policy export --format firefox` prints;
 * the extension enrolls, and downloads past the org threshold end the Slack session (the
 * `d` cookie gone, the next request unauthenticated, the user told in the popup).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { GECKO_ID, popup, startGuardedFirefox, type GuardedFirefox } from './harness/guarded-firefox';
import { downloadFiles, sessionCookie, signIn } from './harness/slack-tab';

const FILES_THRESHOLD = 3;
const orgPolicy = {
  mode: 'enforce',
  detectors: { excessive_downloads: { maxFiles: FILES_THRESHOLD, maxBytes: 500_000_000, windowSeconds: 600 } },
};

let running: GuardedFirefox | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('Session Guard in Firefox', () => {
  test('force-installed by policy, enrolls, and ends the session past the download threshold', async () => {
    const ff = (running = await startGuardedFirefox({ orgPolicy }));
    // The policy as deployed: force-install from the backend's own XPI URL.
    expect(ff.policies.policies.ExtensionSettings[GECKO_ID]).toEqual({
      installation_mode: 'force_installed',
      install_url: `${ff.backend.url}/extension/session-guard.xpi`,
    });

    const page = await signIn(ff.browser);
    expect(await sessionCookie(page)).toMatch(/^xoxd-/);
    expect(ff.slackProxy.tunnels).toContain('slack.com');
    await expect
      .poll(async () => (await ff.backend.api('/api/devices')).devices?.length ?? 0, { timeout: 30_000 })
      .toBe(1);
    expect(ff.backend.output()).toMatch(/"url":"\/extension\/session-guard\.xpi"/);
    // The popup: protected, enrolled, live channel open.
    await expect.poll(async () => (await popup(ff.browser)).status?.connected, { timeout: 30_000 }).toBe(true);
    const before = await popup(ff.browser);
    expect(before.text).toContain('Protected: your Slack session is watched');
    expect(before.status.policySource).toContain('Firefox enterprise policy');

    const lastDownloadAt = await downloadFiles(page, ff.fakeSlack, FILES_THRESHOLD + 1);
    await expect.poll(() => sessionCookie(page), { timeout: 20_000, interval: 50 }).toBeUndefined();
    console.log(`Firefox: download → cookie removed: ${Date.now() - lastDownloadAt} ms (upper bound)`);

    // The next Slack request carries no session.
    const sent = ff.fakeSlack.requests.length;
    const probe = await ff.browser.newPage();
    await probe.goto('https://app.slack.com/api/auth.test');
    expect(await probe.evaluate(() => document.body.innerText)).toContain('not_authed');
    // The probe's own request (on app.slack.com): the extension's sign-out confirmation also
    // calls auth.test, on slack.com, with the old d on purpose (docs/slack-session.md).
    const probed = ff.fakeSlack.requests
      .slice(sent)
      .find((r) => r.path === '/api/auth.test' && r.host === 'app.slack.com');
    expect(probed?.cookieNames).toEqual(expect.any(Array));
    expect(probed?.cookieNames).not.toContain('d');

    await expect
      .poll(async () => (await ff.backend.api('/api/verdicts')).verdicts?.[0]?.ack?.outcome, { timeout: 20_000 })
      .toBe('executed');
    const [verdict] = (await ff.backend.api('/api/verdicts')).verdicts;
    expect(verdict.reasons).toEqual(['excessive_downloads']);
    // The user is told, in the popup.
    const after = await popup(ff.browser);
    expect(after.status.lastVerdict.reasons).toEqual(['excessive_downloads']);
    expect(after.text).toContain('Your Slack session was ended');
  });

  test('force-installed without settings, the popup says it is not protected', async () => {
    const ff = (running = await startGuardedFirefox({ orgPolicy, settings: null }));
    await expect.poll(async () => (await popup(ff.browser)).status?.policy, { timeout: 30_000 }).toBe('missing');
    expect((await popup(ff.browser)).text).toContain(
      'Not protected: your organisation has not set a Session Guard policy',
    );
    expect((await ff.backend.api('/api/devices')).devices).toEqual([]);
  });

  test('the popup says so when the policy is broken, and nothing is reported', async () => {
    const ff = (running = await startGuardedFirefox({ orgPolicy, settings: { enrollmentToken: 'short' } }));
    await expect.poll(async () => (await popup(ff.browser)).status?.policy, { timeout: 30_000 }).toBe('invalid');
    const { text } = await popup(ff.browser);
    expect(text).toContain('Not protected: the Session Guard policy from your organisation is invalid');
    expect(text).toContain('enrollmentToken');
    expect((await ff.backend.api('/api/devices')).devices).toEqual([]);
  });
});
