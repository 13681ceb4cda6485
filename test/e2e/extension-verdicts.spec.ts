/**
 * Verdicts without the WebSocket, in real Chromium (issue #4): behind a proxy that refuses
 * WebSockets, a verdict issued while the service worker is stopped reaches it when the
 * alarm wakes it to poll. The user is told what happened and what to do (a notification)
 * and the Slack tab lands on the extension's explanation page.
 */
import { expect, test } from './harness/extension-fixtures';

const FILES_THRESHOLD = 3;
test.use({
  orgPolicy: {
    mode: 'enforce',
    detectors: { excessive_downloads: { maxFiles: FILES_THRESHOLD, maxBytes: 500_000_000, windowSeconds: 600 } },
  },
  viaHttpOnlyProxy: true,
  policyOverride: {
    pollIntervalSeconds: 30,
    supportContact: 'the service desk, extension 4242',
    supportUrl: 'https://help.example.com/slack',
  },
});

test('a verdict reaches a stopped service worker through the alarm-driven poll', async ({
  slack,
  backend,
  probe,
  workers,
  extensionId,
  httpOnlyProxy,
}) => {
  test.setTimeout(120_000);
  const page = await slack.signIn();
  await expect.poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0).toBe(1);
  await expect
    .poll(() => httpOnlyProxy!.refusedUpgrades(), { message: 'the WebSocket was tried and refused' })
    .toBeGreaterThan(0);
  expect((await probe.status())?.connected).toBe(false);
  // Start right after a tick, so no poll happens between the verdict and the worker's stop.
  await expect
    .poll(async () => ((await probe.nextTick()) ?? 0) - Date.now(), { timeout: 40_000, intervals: [250] })
    .toBeGreaterThan(20_000);

  await slack.downloadFiles(FILES_THRESHOLD + 1);
  await expect
    .poll(async () => (await backend.api('/api/verdicts')).verdicts?.length ?? 0, { message: 'verdict issued' })
    .toBe(1);
  const tick = (await probe.nextTick())!;
  const stoppedAt = await workers.stop();
  expect(await slack.sessionCookie(), 'nothing ends the session while the worker sleeps').toMatch(/^xoxd-/);

  await expect.poll(() => slack.sessionCookie(), { timeout: 45_000, intervals: [250] }).toBeUndefined();
  const wokenAt = await workers.waitFor('running', stoppedAt);
  expect(wokenAt, 'the tick alarm woke the stopped worker').toBeGreaterThanOrEqual(tick - 1_000);
  await expect.poll(async () => (await backend.api('/api/verdicts')).verdicts[0]?.ack?.outcome).toBe('executed');
  expect((await backend.api('/api/verdicts')).verdicts[0].ack.via).toBe('poll');

  // The user is told: a notification (its words are unit-tested in termination.test.ts)…
  const [verdict] = (await backend.api('/api/verdicts')).verdicts;
  expect(Object.keys(await probe.notifications())).toContain(`verdict-${verdict.id}`);
  // …and the Slack tab now explains it, with the organisation's contact.
  await expect(page).toHaveURL(new RegExp(`^chrome-extension://${extensionId}/terminated\\.html\\?verdict=`));
  await expect(page.getByRole('heading', { name: 'Your Slack session on this browser was ended' })).toBeVisible();
  await expect(page.getByText('Reason: an unusually large number of Slack files was downloaded.')).toBeVisible();
  await expect(page.getByText('Contact: the service desk, extension 4242')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Get help from your security team' })).toHaveAttribute(
    'href',
    'https://help.example.com/slack',
  );
});
