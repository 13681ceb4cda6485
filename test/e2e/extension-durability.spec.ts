/**
 * Signals are never lost, in real Chromium against the real backend process (issue #4):
 * the service worker stopped mid-send (DevTools' ServiceWorker.stopAllWorkers), the
 * browser restarted with signals pending, and the backend down for a minute and back.
 * Each test counts what the backend stored: every signal made arrives exactly once.
 */
import { downloadTally } from './harness/backend-db';
import { ExtensionProbe } from './harness/extension-probe';
import { expect, extensionWorker, test } from './harness/extension-fixtures';
import { fetchFiles } from './harness/slack-files';

test.use({ policyOverride: { pollIntervalSeconds: 30 } });

async function enrolled(backend: { api: (p: string) => Promise<any> }) {
  await expect
    .poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0, { message: 'device enrolled' })
    .toBe(1);
}

/** Every size made is stored exactly once, and nothing else is. */
function expectExactlyOnce(dataDir: string, sizes: number[]) {
  const tally = downloadTally(dataDir);
  expect([...tally.keys()].sort()).toEqual([...sizes].sort());
  expect([...tally.values()].every((count) => count === 1)).toBe(true);
}

test('every signal arrives exactly once when the service worker is stopped mid-send', async ({
  slack,
  backend,
  probe,
  workers,
}) => {
  test.setTimeout(150_000);
  const page = await slack.signIn();
  await enrolled(backend);
  const made: number[] = [];

  for (let round = 0; round < 3; round++) {
    const before = await probe.pending();
    backend.pause(); // requests reach the backend's socket; no answer comes back
    made.push(...(await fetchFiles(page, round * 5 + 1, round * 5 + 5)));
    // Stop mid-send: this round's signals are in the outbox and a send of them is in flight.
    await expect
      .poll(() => probe.pending(), { message: 'signals waiting on an unanswered send' })
      .toBeGreaterThanOrEqual(before + 5);
    await workers.stop();
    backend.resume(); // the backend may now store the orphaned send: the resend must not double it
  }
  // Wake the worker the way a user would: a Slack navigation.
  const woken = Date.now();
  await page.goto(page.url());
  await workers.waitFor('running', woken);

  await expect
    .poll(() => downloadTally(backend.dataDir).size, { timeout: 60_000, message: 'all signals stored' })
    .toBe(made.length);
  await expect.poll(() => probe.pending(), { message: 'outbox drained' }).toBe(0);
  expectExactlyOnce(backend.dataDir, made);
});

test('signals pending when the browser closes arrive after it restarts, exactly once', async ({
  slack,
  backend,
  probe,
  context,
  extensionId,
  launch,
}) => {
  test.setTimeout(120_000);
  const page = await slack.signIn();
  await enrolled(backend);

  await backend.stop();
  const made = await fetchFiles(page, 1, 5);
  await expect
    .poll(() => probe.pending(), { message: 'signals kept while the backend is down' })
    .toBeGreaterThanOrEqual(5);
  await context.close();
  await backend.start();
  const restarted = await launch();
  await extensionWorker(restarted);

  await expect
    .poll(() => downloadTally(backend.dataDir).size, { timeout: 45_000, message: 'all signals stored' })
    .toBe(made.length);
  await expect.poll(() => new ExtensionProbe(restarted, extensionId).pending()).toBe(0);
  expectExactlyOnce(backend.dataDir, made);
});

test('signals made while the backend is down for a minute arrive once it is back, exactly once', async ({
  slack,
  backend,
  probe,
}) => {
  test.setTimeout(180_000);
  const page = await slack.signIn();
  await enrolled(backend);

  await backend.stop();
  const made = await fetchFiles(page, 1, 4);
  await page.waitForTimeout(30_000);
  made.push(...(await fetchFiles(page, 5, 8)));
  await page.waitForTimeout(30_000);
  expect(await probe.pending()).toBeGreaterThanOrEqual(8);
  expect((await probe.status())?.reachable).toBe(false);
  await backend.start();

  await expect
    .poll(() => downloadTally(backend.dataDir).size, { timeout: 60_000, message: 'all signals stored' })
    .toBe(made.length);
  await expect.poll(() => probe.pending()).toBe(0);
  expectExactlyOnce(backend.dataDir, made);
  await expect.poll(async () => (await probe.status())?.reachable).toBe(true);
});
