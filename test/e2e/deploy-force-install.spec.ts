/**
 * Deployment end to end (issue #6), in real Chromium without --load-extension: the
 * managed policy `policy export --format chrome-linux` prints force-installs the
 * extension from the running backend (which serves the CRX `extension pack` published
 * and its update manifest); the extension receives its managed configuration, enrolls,
 * and a verdict ends the Slack session, as in the core loop.
 */
import { expect, distributionRequests, test } from './harness/force-install';

// The extension's global inside worker.evaluate (the tests' tsconfig has no chrome types).
declare const chrome: any;
const FILES_THRESHOLD = 5;

test.use({
  orgPolicy: {
    mode: 'enforce',
    detectors: { excessive_downloads: { maxFiles: FILES_THRESHOLD, maxBytes: 500_000_000, windowSeconds: 600 } },
  },
});

test('a policy from `policy export` force-installs the extension from the backend, which then ends a hijacked session', async ({
  backend,
  packed,
  policyFile,
  serviceWorker,
  installMs,
  slack,
}, testInfo) => {
  const { extensionId } = packed;
  const figures: Record<string, number> = { launchToInstalledMs: installMs };

  // Installed by policy, from this backend, as the packed version.
  expect(policyFile.ExtensionSettings[extensionId]).toEqual({
    installation_mode: 'force_installed',
    update_url: `${backend.url}/extension/updates.xml`,
    override_update_url: true,
  });
  const self = await serviceWorker.evaluate(() => chrome.management.getSelf());
  expect(self).toMatchObject({
    id: extensionId,
    installType: 'admin',
    version: packed.version,
    enabled: true,
    mayDisable: false,
  });
  expect(distributionRequests(backend)).toEqual(
    expect.arrayContaining(['/extension/updates.xml', '/extension/session-guard.crx']),
  );

  // Its managed configuration arrives (after a force-install it reads {} for a while).
  const settings = policyFile['3rdparty'].extensions[extensionId];
  const policyStarted = Date.now();
  await expect
    .poll(() => serviceWorker.evaluate(() => chrome.storage.managed.get()), {
      timeout: 30_000,
      message: 'managed policy',
    })
    .toEqual(settings);
  figures.installedToManagedPolicyMs = Date.now() - policyStarted;

  // It enrolls with the enrollment token from that configuration.
  await expect
    .poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0, {
      timeout: 30_000,
      message: 'device enrolled',
    })
    .toBe(1);
  figures.installedToEnrolledMs = Date.now() - policyStarted;

  // Downloads past the org threshold end the Slack session on this browser.
  await slack.signIn();
  expect(await slack.sessionCookie()).toMatch(/^xoxd-/);
  const lastDownloadAt = await slack.downloadFiles(FILES_THRESHOLD + 1);
  await expect.poll(() => slack.sessionCookie(), { intervals: [10], timeout: 15_000 }).toBeUndefined();
  figures.downloadToCookieRemovedMs = Date.now() - lastDownloadAt;
  await expect.poll(async () => (await backend.api('/api/verdicts')).verdicts?.[0]?.ack?.outcome).toBe('executed');
  const [verdict] = (await backend.api('/api/verdicts')).verdicts;
  expect(verdict.reasons).toEqual(['excessive_downloads']);

  for (const [type, value] of Object.entries(figures)) testInfo.annotations.push({ type, description: String(value) });
  console.log(`force-install figures: ${JSON.stringify(figures)}`);
});
