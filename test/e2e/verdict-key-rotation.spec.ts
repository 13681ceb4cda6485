/**
 * Verdict key rotation in real Chromium (issue #10): after `session-guard verdict-key
 * rotate` the backend signs with the new key, and a browser whose managed policy lists
 * both keys (`verdictPublicKeys`), while its `verdictPublicKey` still names the old one,
 * executes a verdict signed with the new key: the Slack session ends.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test as base } from './harness/fixtures';

const ROOT = new URL('../../', import.meta.url).pathname;
const FILES_THRESHOLD = 3;
const settingsOf = (exported: Record<string, any>) => Object.values(exported['3rdparty'].extensions)[0] as any;

const test = base.extend<{ rotation: { oldKey: string; newKid: string } }>({
  rotation: async ({ backend }, use) => {
    const cli = async (...args: string[]) =>
      (
        await promisify(execFile)(
          process.execPath,
          [join(ROOT, 'bin', 'session-guard.mjs'), 'verdict-key', ...args, '--data-dir', backend.dataDir],
          { cwd: ROOT, env: process.env },
        )
      ).stdout;
    await cli('rotate');
    // A restart reads the new key at once (a running backend would within 10 s).
    await backend.stop();
    await backend.start();
    const [newKey, oldKey] = JSON.parse(await cli('list', '--json')) as { kid: string; publicSpki: string }[];
    await use({ oldKey: oldKey!.publicSpki, newKid: newKey!.kid });
  },
  // The deployed policy: the exported key list, but the old key as the single pinned one.
  extensionPolicy: async ({ rotation }, use) => use({ verdictPublicKey: rotation.oldKey }),
});

// The CLI runs four times before the browser starts (export, rotate, list, export again).
test.describe.configure({ timeout: 240_000 });
test.use({
  orgPolicy: {
    mode: 'enforce',
    detectors: { excessive_downloads: { maxFiles: FILES_THRESHOLD, maxBytes: 500_000_000, windowSeconds: 600 } },
  },
});

test('a verdict signed with the rotated-in key ends the session of a browser that lists both keys', async ({
  slack,
  backend,
  rotation,
}) => {
  const exported = settingsOf(await backend.exportPolicy());
  expect(exported.verdictPublicKeys).toHaveLength(2);
  expect(exported.verdictPublicKeys[1]).toBe(rotation.oldKey);

  await slack.signIn();
  await expect.poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0).toBe(1);
  await slack.downloadFiles(FILES_THRESHOLD + 1);

  await expect
    .poll(async () => (await backend.api('/api/verdicts')).verdicts?.length ?? 0, { message: 'verdict issued' })
    .toBe(1);
  await expect.poll(() => slack.sessionCookie(), { timeout: 30_000 }).toBeUndefined();
  await expect.poll(async () => (await backend.api('/api/verdicts')).verdicts[0]?.ack?.outcome).toBe('executed');
  const [verdict] = (await backend.api('/api/verdicts')).verdicts;
  const detail = await backend.api(`/api/verdicts/${verdict.id}`);
  expect(JSON.parse(detail.signed.payload).kid, 'signed with the new key').toBe(rotation.newKid);
});
