/**
 * Self-updating fleet (issue #6): once `extension pack` publishes a newer version to the
 * backend, its update manifest offers it and a force-installed browser's update check
 * fetches it. Chromium applies an update to a running extension when the extension is
 * idle (a Session Guard worker holding its verdict stream rarely is), when the extension
 * reloads itself (what an `onUpdateAvailable` handler does), or when the browser restarts.
 */
import type { Worker } from '@playwright/test';
import { buildWithVersion, distributionRequests, expect, installedWorker, launchForceInstalled, packIntoBackend, test } from './harness/force-install';

// The extension's global inside worker.evaluate (the tests' tsconfig has no chrome types).
declare const chrome: any;
const bump = (version: string) => version.replace(/(\d+)$/, (last) => String(Number(last) + 1));
const version = (worker: Worker) => worker.evaluate(() => chrome.runtime.getManifest().version);

/**
 * `runtime.requestUpdateCheck()` from the extension, then waits for what an
 * onUpdateAvailable handler sees: Chromium has downloaded the version and holds it.
 */
async function checkForUpdate(worker: Worker, expected: string) {
  await worker.evaluate(() =>
    chrome.runtime.onUpdateAvailable.addListener((details: { version: string }) => ((globalThis as any).updateAvailable = details.version)),
  );
  expect(await worker.evaluate(() => chrome.runtime.requestUpdateCheck())).toEqual({ status: 'update_available', version: expected });
  await expect.poll(() => worker.evaluate(() => (globalThis as any).updateAvailable), { timeout: 30_000 }).toBe(expected);
}

test('a newer version on the backend is found by the update check and runs after the extension reloads', async ({
  backend,
  packed,
  serviceWorker,
  context,
}, testInfo) => {
  await expect.poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0, { timeout: 30_000 }).toBe(1);
  expect(await version(serviceWorker)).toBe(packed.version);

  const next = await packIntoBackend(backend, buildWithVersion(testInfo.outputPath('next-build'), bump(packed.version)));
  expect(next).toMatchObject({ extensionId: packed.extensionId, version: bump(packed.version) });
  expect(await (await fetch(`${backend.url}/extension/updates.xml`)).text()).toContain(`version="${next.version}"`);

  const checkedAt = Date.now();
  await checkForUpdate(serviceWorker, next.version);
  expect(distributionRequests(backend).filter((p) => p === '/extension/session-guard.crx')).toHaveLength(2);

  const restarted = context.waitForEvent('serviceworker', { predicate: (w) => w !== serviceWorker, timeout: 30_000 });
  await serviceWorker.evaluate(() => chrome.runtime.reload()).catch(() => undefined); // the worker goes away mid-call
  const updated = await restarted;
  expect(await version(updated)).toBe(next.version);
  console.log(`update check → new version running: ${Date.now() - checkedAt} ms`);

  // Same extension, same device: the update keeps its key and managed configuration.
  expect(await updated.evaluate(() => chrome.management.getSelf())).toMatchObject({ installType: 'admin', version: next.version });
  await expect.poll(() => updated.evaluate(() => chrome.storage.managed.get()), { timeout: 30_000 }).toHaveProperty('backendUrl', backend.url);
  expect((await backend.api('/api/devices')).devices).toHaveLength(1);
});

test('without a reload, the fetched update is applied when the browser restarts', async ({
  backend,
  packed,
  serviceWorker,
  context,
  chromiumPath,
  fakeSlack,
  policyFile,
}, testInfo) => {
  const next = await packIntoBackend(backend, buildWithVersion(testInfo.outputPath('next-build'), bump(packed.version)));
  await checkForUpdate(serviceWorker, next.version);

  await context.close();
  const restarted = await launchForceInstalled({ dir: testInfo.outputPath('chromium'), chromiumPath, policy: policyFile, hostRules: fakeSlack.hostRules });
  try {
    expect(await version(await installedWorker(restarted, packed.extensionId, 30_000))).toBe(next.version);
  } finally {
    await restarted.close();
  }
});
