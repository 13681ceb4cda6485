/**
 * Local enforcement from managed policy, in real Chromium (issue #4): with the backend
 * down, more Slack files than `localMaxFilesPerWindow` end the session on the device
 * itself; the user is told; and once the backend is back it receives the local verdict
 * and every download, exactly once.
 */
import assert from 'node:assert/strict';
import { downloadTally } from './harness/backend-db';
import { expect, test } from './harness/extension-fixtures';
import { fetchFiles } from './harness/slack-files';

const LOCAL_CAP = 3;
test.use({
  // The backend's own threshold is far away: only the local cap can end this session.
  orgPolicy: {
    mode: 'enforce',
    detectors: { excessive_downloads: { maxFiles: 100, maxBytes: 500_000_000, windowSeconds: 600 } },
  },
  policyOverride: {
    pollIntervalSeconds: 30,
    localMaxFilesPerWindow: LOCAL_CAP,
    localWindowSeconds: 600,
    supportContact: 'security@example.com',
  },
});

test('ends the session locally while the backend is down, and reports it when the backend is back', async ({
  slack,
  backend,
  probe,
  stored,
  extensionId,
}) => {
  test.setTimeout(120_000);
  const page = await slack.signIn();
  await expect.poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0).toBe(1);
  await backend.stop();

  const made = await fetchFiles(page, 1, LOCAL_CAP);
  // The extension judged all of them with the backend down (its last check saw the cap, no breach).
  await expect
    .poll(() => probe.stored('local', 'localLastCheck'), { message: 'a local check of every download' })
    .toMatchObject({ downloads: LOCAL_CAP, breach: false });
  expect(await slack.sessionCookie(), 'at the cap, the session stays').toMatch(/^xoxd-/);
  made.push(...(await fetchFiles(page, LOCAL_CAP + 1, LOCAL_CAP + 1)));

  await expect
    .poll(() => slack.sessionCookie(), { message: 'the session ends on the device', intervals: [100] })
    .toBeUndefined();
  await expect(page).toHaveURL(new RegExp(`^chrome-extension://${extensionId}/terminated\\.html`));
  await expect(page.getByText('because its server could not be reached')).toBeVisible();
  await expect(page.getByText('Contact: security@example.com')).toBeVisible();
  const status = await probe.status();
  expect(status?.lastVerdict).toMatchObject({ local: true, reasons: ['excessive_downloads'] });
  expect(Object.keys(await probe.notifications())).toContain(`verdict-${status?.lastVerdict.id}`);

  await backend.start();
  await expect
    .poll(() => stored('local_verdict').length, { timeout: 60_000, message: 'the local verdict reaches the backend' })
    .toBe(1);
  const [local] = stored('local_verdict');
  assert(local);
  expect(local.data).toMatchObject({
    verdictId: status?.lastVerdict.id,
    reasons: ['excessive_downloads'],
    rule: 'localMaxFilesPerWindow',
    observed: LOCAL_CAP + 1,
    limit: LOCAL_CAP,
    cookiesCleared: expect.any(Number),
  });
  await expect.poll(() => downloadTally(backend.dataDir).size).toBe(made.length);
  expect([...downloadTally(backend.dataDir).values()].every((n) => n === 1)).toBe(true);
});
