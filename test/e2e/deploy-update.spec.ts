/**
 * Self-updating fleet (issue #6): once `extension pack` publishes a newer version to the
 * backend, its update manifest offers it and a force-installed browser's update check
 * fetches it. Chromium applies an update to a running extension only when it is idle,
 * which a worker holding its verdict stream never is, so the extension's own
 * `onUpdateAvailable` handler flushes its outbox and reloads into the new version.
 */
import type { BrowserContext, Worker } from '@playwright/test';
import {
  buildWithVersion,
  distributionRequests,
  expect,
  installedWorker,
  launchForceInstalled,
  packIntoBackend,
  test,
} from './harness/force-install';

// The extension's global inside worker.evaluate (the tests' tsconfig has no chrome types).
declare const chrome: any;
const bump = (version: string) => version.replace(/(\d+)$/, (last) => String(Number(last) + 1));
const version = (worker: Worker) => worker.evaluate(() => chrome.runtime.getManifest().version);

/** Asks for an update check and waits for the worker the extension reloads into. */
async function updateThroughCheck(context: BrowserContext, worker: Worker, expected: string): Promise<Worker> {
  const restarted = context.waitForEvent('serviceworker', { predicate: (w) => w !== worker, timeout: 30_000 });
  const answer = await worker.evaluate(() => chrome.runtime.requestUpdateCheck()).catch(() => null); // may reload mid-call
  if (answer) expect(answer).toEqual({ status: 'update_available', version: expected });
  return restarted;
}

test('a newer version on the backend is found by the update check and applied by the extension itself', async ({
  backend,
  packed,
  serviceWorker,
  context,
}, testInfo) => {
  await expect.poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0, { timeout: 30_000 }).toBe(1);
  expect(await version(serviceWorker)).toBe(packed.version);

  const next = await packIntoBackend(
    backend,
    buildWithVersion(testInfo.outputPath('next-build'), bump(packed.version)),
  );
  expect(next).toMatchObject({ extensionId: packed.extensionId, version: bump(packed.version) });
  expect(await (await fetch(`${backend.url}/extension/updates.xml`)).text()).toContain(`version="${next.version}"`);

  const checkedAt = Date.now();
  const updated = await updateThroughCheck(context, serviceWorker, next.version);
  expect(await version(updated)).toBe(next.version);
  console.log(`update check → new version running: ${Date.now() - checkedAt} ms`);
  expect(distributionRequests(backend).filter((p) => p === '/extension/session-guard.crx')).toHaveLength(2);

  // Same extension, same device: the update keeps its key and managed configuration.
  expect(await updated.evaluate(() => chrome.management.getSelf())).toMatchObject({
    installType: 'admin',
    version: next.version,
  });
  await expect
    .poll(() => updated.evaluate(() => chrome.storage.managed.get()), { timeout: 30_000 })
    .toHaveProperty('backendUrl', backend.url);
  expect((await backend.api('/api/devices')).devices).toHaveLength(1);
});

test('the updated version survives a browser restart as the same device', async ({
  backend,
  packed,
  serviceWorker,
  context,
  chromiumPath,
  fakeSlack,
  policyFile,
}, testInfo) => {
  await expect.poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0, { timeout: 30_000 }).toBe(1);
  const next = await packIntoBackend(
    backend,
    buildWithVersion(testInfo.outputPath('next-build'), bump(packed.version)),
  );
  expect(await version(await updateThroughCheck(context, serviceWorker, next.version))).toBe(next.version);

  await context.close();
  const restarted = await launchForceInstalled({
    dir: testInfo.outputPath('chromium'),
    chromiumPath,
    policy: policyFile,
    hostRules: fakeSlack.hostRules,
  });
  try {
    expect(await version(await installedWorker(restarted, packed.extensionId, 30_000))).toBe(next.version);
    expect((await backend.api('/api/devices')).devices).toHaveLength(1);
  } finally {
    await restarted.close();
  }
});
