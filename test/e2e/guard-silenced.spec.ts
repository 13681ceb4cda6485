/**
 * A guard that goes quiet is a finding (issue #12), in real Chromium with the built
 * extension under a real managed policy and the backend as a real process. Disabled: a
 * second, test-only extension with the `management` permission turns Session Guard off
 * (what a user on chrome://extensions or a hostile extension does); the fake Slack audit
 * log then shows the user working in that same browser, and `guard_silenced` must follow
 * within the documented time (docs/detection.md: silenceSeconds + one check + the
 * audit-log poll). Removed: the extension uninstalls itself, Chromium opens the signed
 * uninstall link, and the finding follows at once.
 */
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { withSlackApi } from './harness/slack-api-fixtures';
import { expect, EXTENSION_DIR } from './harness/fixtures';
import type { Backend } from './harness/backend';
import { chromiumArgs, chromiumWithPolicy } from './harness/chromium';
import { USER_ID } from '../fakes/fake-slack';
import { auditEntry, FAKE_TOKEN } from '../fakes/fake-slack-api';

declare const chrome: any;

const HELPER_DIR = new URL('../fixtures/e2e/management-helper', import.meta.url).pathname;
const SILENCE_SECONDS = 30;

const test = withSlackApi({ SESSION_GUARD_SILENCE_CHECK_SECONDS: '1' }).extend({
  // The guard polls every 30 s (the shortest managed policy allows): its reports are the heartbeat.
  extensionPolicy: { pollIntervalSeconds: 30 },
  // The same browser as the harness's, with the test-only helper loaded beside the guard.
  context: async ({ backend, extensionPolicy, fakeSlack, chromiumPath }, use, testInfo) => {
    const dir = testInfo.outputPath('chromium');
    mkdirSync(dir, { recursive: true });
    const exported = await backend.exportPolicy();
    const extensions = exported['3rdparty'].extensions as Record<string, Record<string, unknown>>;
    for (const id of Object.keys(extensions)) extensions[id] = { ...extensions[id], ...extensionPolicy };
    const executable = chromiumWithPolicy(dir, chromiumPath, { '3rdparty': exported['3rdparty'] });
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: executable,
      headless: true,
      args: chromiumArgs(`${EXTENSION_DIR},${HELPER_DIR}`, fakeSlack.hostRules),
      ignoreDefaultArgs: ['--disable-extensions', '--disable-component-extensions-with-background-pages'],
      ignoreHTTPSErrors: true,
    });
    await use(context);
    await context.close();
  },
  serviceWorker: async ({ context }, use) => {
    const isGuard = (w: { url(): string }) => w.url().endsWith('/background.js');
    const worker =
      context.serviceWorkers().find(isGuard) ??
      (await context.waitForEvent('serviceworker', { predicate: isGuard, timeout: 15_000 }));
    await use(worker);
  },
});

test.use({ orgPolicy: { mode: 'enforce', detectors: { guard_silenced: { silenceSeconds: SILENCE_SECONDS } } } });

async function connectSlack(backend: Backend) {
  const view = await backend.api('/api/slack/connection', {
    method: 'PUT',
    body: JSON.stringify({ token: FAKE_TOKEN }),
  });
  expect(view).toMatchObject({ connected: true });
}

/** Enrolled, signed in to the fake Slack, and verified by Sign in with Slack (silently). */
async function guardedDevice(slack: { signIn(): Promise<unknown> }, backend: Backend) {
  await expect.poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0).toBe(1);
  await slack.signIn();
  let device: { id: string; identity: string | null; userAgent: string } | undefined;
  await expect
    .poll(async () => ((device = (await backend.api('/api/devices')).devices?.[0]), device?.identity), {
      message: 'the page reported the Slack user and Slack verified it',
    })
    .toBe('verified');
  return device!;
}

const silencedFindings = async (backend: Backend) =>
  ((await backend.api('/api/findings')).findings as { reason: string; deviceId: string; evidence: any }[]).filter(
    (f) => f.reason === 'guard_silenced',
  );

test('an extension disabled in Chromium becomes guard_silenced within the documented time', async ({
  context,
  slack,
  backend,
  slackApi,
  extensionId,
}) => {
  await connectSlack(backend);
  const device = await guardedDevice(slack, backend);
  const helper =
    context.serviceWorkers().find((w) => w.url().endsWith('/helper-worker.js')) ??
    (await context.waitForEvent('serviceworker', { predicate: (w) => w.url().endsWith('/helper-worker.js') }));

  await helper.evaluate((id) => chrome.management.setEnabled(id, false), extensionId);
  const disabledAt = Date.now();
  expect(
    await helper.evaluate((id) => chrome.management.get(id).then((e: { enabled: boolean }) => e.enabled), extensionId),
  ).toBe(false);
  // The user goes on working in this browser: Slack's audit log says so.
  slackApi.audit.push(
    auditEntry({
      id: 'still-working',
      at: Math.ceil(Date.now() / 1000) + 1,
      userId: USER_ID,
      action: 'file_downloaded',
      ip: '127.0.0.1',
      ua: device.userAgent,
    }),
  );

  // Documented: silenceSeconds after the last report, plus one check (1 s here) and the audit-log poll (1 s here).
  const limitMs = (SILENCE_SECONDS + 10) * 1000;
  await expect.poll(async () => (await silencedFindings(backend)).length, { timeout: limitMs }).toBe(1);
  const elapsed = Date.now() - disabledAt;
  console.log(`extension disabled → guard_silenced recorded: ${elapsed} ms (silenceSeconds ${SILENCE_SECONDS})`);
  const [finding] = await silencedFindings(backend);
  expect(finding).toMatchObject({ deviceId: device.id });
  expect(finding!.evidence).toMatchObject({ how: 'silent', activityRule: 'same_browser' });
  expect(finding!.evidence.activity[0]).toMatchObject({ ref: 'still-working', sameUserAgent: true });
  expect(elapsed).toBeLessThan(limitMs);
});

test('an extension removed from Chromium opens its signed uninstall link: guard_silenced at once', async ({
  context,
  serviceWorker,
  slack,
  backend,
}) => {
  const device = await guardedDevice(slack, backend);
  const opened = context.waitForEvent('page', {
    predicate: (p) => p.url().includes('/v1/uninstalled'),
    timeout: 20_000,
  });

  await serviceWorker.evaluate(() => chrome.management.uninstallSelf()).catch(() => undefined); // the worker dies with it
  const page = await opened;

  await expect(page.getByRole('heading')).toHaveText('Session Guard was removed from this browser');
  await expect.poll(async () => (await silencedFindings(backend)).length, { timeout: 10_000 }).toBe(1);
  const [finding] = await silencedFindings(backend);
  expect(finding).toMatchObject({ deviceId: device.id });
  expect(finding!.evidence).toMatchObject({ how: 'uninstalled' });
});
