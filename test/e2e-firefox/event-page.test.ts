/**
 * A verdict delivered while the background is asleep (issue 15). On Firefox the guard runs
 * in an event page (`persistent: false`) that Firefox unloads when idle (here after 3 s,
 * `extensions.background.idle.timeout`). Slack downloads wake it; behind a proxy that
 * refuses WebSockets, the verdict they earn can only arrive by the alarm-driven poll: the
 * page that was running then goes away, and a page Firefox starts again for the alarm ends
 * the session.
 */
import { afterEach, expect, test } from 'vitest';
import { popup, startGuardedFirefox, type GuardedFirefox } from './harness/guarded-firefox';
import { downloadFiles, sessionCookie, signIn } from './harness/slack-tab';

const FILES_THRESHOLD = 3;
let running: GuardedFirefox | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

test('a verdict issued while the event page sleeps ends the session when the alarm wakes it', async () => {
  const ff = (running = await startGuardedFirefox({
    orgPolicy: {
      mode: 'enforce',
      detectors: { excessive_downloads: { maxFiles: FILES_THRESHOLD, maxBytes: 500_000_000, windowSeconds: 600 } },
    },
    settings: { pollIntervalSeconds: 30 },
    viaHttpOnlyProxy: true,
    backgroundIdleSeconds: 3,
  }));
  const page = await signIn(ff.browser);
  await expect
    .poll(async () => (await ff.backend.api('/api/devices')).devices?.length ?? 0, { timeout: 30_000 })
    .toBe(1);
  await expect.poll(() => ff.httpOnlyProxy!.refusedUpgrades(), { timeout: 30_000 }).toBeGreaterThan(0);

  // Start right after a tick, so the next one comes well after the verdict…
  let lastTick = 0;
  await expect
    .poll(
      async () => {
        const next = (await popup(ff.browser)).nextTick ?? 0;
        lastTick = next - 30_000;
        return next - Date.now();
      },
      { timeout: 40_000, interval: 500 },
    )
    .toBeGreaterThan(20_000);
  // …and give the page the tick woke time to be unloaded (3 s idle) before Slack is used.
  await expect.poll(() => Date.now() - lastTick, { timeout: 15_000, interval: 500 }).toBeGreaterThan(8_000);
  const asleepSince = (await popup(ff.browser)).status.backgroundStartedAt as number;
  await downloadFiles(page, ff.fakeSlack, FILES_THRESHOLD + 1);
  await expect
    .poll(async () => (await ff.backend.api('/api/verdicts')).verdicts?.length ?? 0, { timeout: 20_000 })
    .toBe(1);
  const issuedAt = Date.now();
  const before = await popup(ff.browser);
  const awakeSince = before.status.backgroundStartedAt as number;
  const tick = before.nextTick!;
  expect(await sessionCookie(page), 'no WebSocket: nothing ends the session before the poll').toMatch(/^xoxd-/);

  await expect.poll(() => sessionCookie(page), { timeout: 70_000, interval: 250 }).toBeUndefined();
  const [verdict] = (await ff.backend.api('/api/verdicts')).verdicts;
  await expect
    .poll(async () => (await ff.backend.api('/api/verdicts')).verdicts[0]?.ack?.outcome, { timeout: 20_000 })
    .toBe('executed');
  expect((await ff.backend.api('/api/verdicts')).verdicts[0].ack.via).toBe('poll');
  const { status, text } = await popup(ff.browser);
  // The downloads woke a new page (Firefox's downloads.onChanged is a persistent event), which
  // reported them; the page that executed the verdict started after it was issued, so the one
  // running then had been unloaded.
  expect(awakeSince, 'the downloads woke the sleeping page').toBeGreaterThan(asleepSince);
  expect(awakeSince).toBeLessThan(issuedAt);
  expect(status.backgroundStartedAt).toBeGreaterThan(issuedAt);
  expect(status.backgroundStartedAt, 'the tick alarm woke it').toBeGreaterThanOrEqual(tick - 1_000);
  expect(status.lastVerdict.id).toBe(verdict.id);
  expect(text).toContain('Your Slack session was ended');
});
