/**
 * Issue #12 in real Chromium: after a verdict the extension clears the browser, then ends
 * the session at Slack with the session's own credentials, and confirms with `auth.test`
 * carrying only the old `d`. The fake Slack keeps sessions on the server (a `d` names a
 * session record) and has no Grid admin API at all: a copy of `d` a thief took before the
 * verdict is refused after it. When Slack refuses the sign-out, the ack says so with
 * Slack's code and the browser is cleared all the same. With `deviceSignout` off in the
 * org policy (reaching the device through the signed settings channel), nothing is sent
 * to Slack and the ack says `skipped`.
 */
import { replay } from './harness/slack-replay';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TEAM_ID, tokenFor } from '../fakes/fake-slack';
import { expect, test } from './harness/fixtures';
import type { SlackPage } from './harness/slack-page';

const FILES_THRESHOLD = 3;
const policy = (deviceSignout: boolean) => ({
  deviceSignout,
  detectors: { excessive_downloads: { maxFiles: FILES_THRESHOLD, maxBytes: 500_000_000, windowSeconds: 600 } },
});

/**
 * Signs in, waits for enrollment, downloads past the threshold; returns the copied `d`
 * and timings. `noSlackTab` first moves the tab off app.slack.com (the downloads then
 * start from slack.com), so no page holds an `xoxc` when the verdict arrives.
 */
async function verdictAfterCopy(
  slack: SlackPage,
  backend: { api: (p: string) => Promise<any> },
  { noSlackTab = false } = {},
) {
  const page = await slack.signIn();
  if (noSlackTab) {
    await page.goto('https://slack.com/signin');
    await page.evaluate((html) => document.body.insertAdjacentHTML('beforeend', html), fileLinks(FILES_THRESHOLD + 1));
  }
  const copied = await slack.sessionCookie();
  expect(copied).toMatch(/^xoxd-/);
  await expect.poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0).toBe(1);

  const lastDownloadAt = await slack.downloadFiles(FILES_THRESHOLD + 1);
  let removedAt = 0;
  await expect
    .poll(
      async () => {
        const cookie = await slack.sessionCookie();
        if (!cookie && !removedAt) removedAt = Date.now();
        return cookie;
      },
      { intervals: [10], timeout: 15_000 },
    )
    .toBeUndefined();
  await expect
    .poll(async () => (await backend.api('/api/verdicts')).verdicts?.[0]?.ack?.slackSignout?.status, {
      timeout: 15_000,
    })
    .toBeTruthy();
  const [verdict] = (await backend.api('/api/verdicts')).verdicts;
  return { copied: copied!, verdict, latencyMs: removedAt - lastDownloadAt };
}

const fileLinks = (count: number) =>
  Array.from(
    { length: count },
    (_, i) =>
      `<a id="file-${i + 1}" download href="https://files.slack.com/files-pri/${TEAM_ID}-F${i + 1}/download/r-${i + 1}.pdf?bytes=65536">f</a>`,
  ).join('');

/** No credential the sign-out used may reach the backend's files (someone reading its database). */
function backendFilesContain(dataDir: string, secret: string): boolean {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return walk(dataDir).some((file) => readFileSync(file).includes(secret));
}

test.describe('deviceSignout on (the default)', () => {
  test.use({ orgPolicy: policy(true) });

  test('a copy of d taken before the verdict is refused by Slack after it; the ack says confirmed', async ({
    slack,
    backend,
  }, testInfo) => {
    slack.fake.refuseSignout = null;
    const before = slack.fake.signouts.length;

    const { copied, verdict, latencyMs } = await verdictAfterCopy(slack, backend);

    expect(verdict.ack.outcome).toBe('executed');
    expect(verdict.ack.slackSignout).toEqual({ status: 'confirmed', detail: 'auth.revoke' });
    // Exactly: auth.revoke with the page's token and the old d, then auth.test with only d.
    const calls = slack.fake.signouts.slice(before);
    expect(calls.map((c) => [c.method, c.session === copied, c.token, c.answer])).toEqual([
      ['auth.revoke', true, true, 'ok'],
      ['auth.test', true, false, 'invalid_auth'],
    ]);
    // The thief's copy: refused by the API and by the web client alike.
    expect(JSON.parse((await replay(slack.fake.port, copied, '/api/auth.test')).body)).toEqual({
      ok: false,
      error: 'invalid_auth',
    });
    expect((await replay(slack.fake.port, copied, `/client/${TEAM_ID}`)).status).toBe(302);
    // No Grid admin API was involved, and neither credential reached the backend.
    expect(slack.fake.requests.some((r) => r.path.startsWith('/api/admin.'))).toBe(false);
    expect(backendFilesContain(backend.dataDir, copied)).toBe(false);
    expect(backendFilesContain(backend.dataDir, tokenFor(copied))).toBe(false);
    testInfo.annotations.push({ type: 'verdict-to-cookie-removed-with-signout-ms', description: String(latencyMs) });
    console.log(
      `download → cookie removed (sign-out on): ${latencyMs} ms; ack latency ${verdict.ack.latencyMs} ms; device receipt → cleared ${verdict.ack.timings.clearedAt - verdict.ack.timings.receivedAt} ms`,
    );
  });

  test('with no Slack tab open, the sign-out that needs only d ends the session, and auth.test confirms it', async ({
    slack,
    backend,
  }) => {
    slack.fake.refuseSignout = null;
    const before = slack.fake.signouts.length;

    const { copied, verdict } = await verdictAfterCopy(slack, backend, { noSlackTab: true });

    expect(verdict.ack.slackSignout).toEqual({ status: 'confirmed', detail: 'signout' });
    const calls = slack.fake.signouts.slice(before);
    expect(calls.map((c) => [c.method, c.session === copied, c.token, c.answer])).toEqual([
      ['signout', true, false, 'ok'],
      ['auth.test', true, false, 'invalid_auth'],
    ]);
    expect(JSON.parse((await replay(slack.fake.port, copied, '/api/auth.test')).body).error).toBe('invalid_auth');
  });

  test('when Slack refuses the sign-out the ack says failed with its code, and the browser is still cleared', async ({
    slack,
    backend,
    context,
  }) => {
    slack.fake.refuseSignout = 'org_login_required';

    const { copied, verdict } = await verdictAfterCopy(slack, backend);
    slack.fake.refuseSignout = null;

    expect(verdict.ack.outcome).toBe('executed');
    expect(verdict.ack.slackSignout).toEqual({ status: 'failed', detail: 'auth.revoke: org_login_required' });
    expect((await context.cookies('https://app.slack.com/')).filter((c) => c.domain.endsWith('slack.com'))).toEqual([]);
    // Honest: Slack still honours the copy, and the dashboard counts it as unconfirmed.
    expect(JSON.parse((await replay(slack.fake.port, copied, '/api/auth.test')).body).ok).toBe(true);
    expect((await backend.api('/api/overview')).slackSignoutUnconfirmed).toBe(1);
  });
});

test.describe('deviceSignout off in the org policy', () => {
  test.use({ orgPolicy: policy(false) });

  test('the signed settings reach the device; nothing goes to Slack and the ack says skipped', async ({
    slack,
    backend,
    serviceWorker,
  }, testInfo) => {
    await expect
      .poll(
        async () =>
          serviceWorker.evaluate(async () => {
            const kept = (await (globalThis as any).chrome.storage.local.get('deviceSettings')).deviceSettings;
            return kept ? JSON.parse(kept.payload).settings.deviceSignout : null;
          }),
        { timeout: 20_000 },
      )
      .toBe(false);
    const before = slack.fake.signouts.length;

    const { copied, verdict, latencyMs } = await verdictAfterCopy(slack, backend);

    expect(verdict.ack.slackSignout).toEqual({ status: 'skipped', detail: 'policy_off' });
    expect(slack.fake.signouts.slice(before)).toEqual([]);
    expect(JSON.parse((await replay(slack.fake.port, copied, '/api/auth.test')).body).ok).toBe(true);
    testInfo.annotations.push({ type: 'verdict-to-cookie-removed-without-signout-ms', description: String(latencyMs) });
    console.log(
      `download → cookie removed (sign-out off): ${latencyMs} ms; ack latency ${verdict.ack.latencyMs} ms; device receipt → cleared ${verdict.ack.timings.clearedAt - verdict.ack.timings.receivedAt} ms`,
    );
  });
});
