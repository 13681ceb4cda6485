/**
 * tor in real Chromium (issue #3): the backend is started with `--tor-exit-list`; when the
 * list (exit-addresses format, current) holds the loopback address the browser reports
 * from, signing in to Slack ends the session. Its benign twin runs on the real
 * torbulkexitlist of 2023-10-14, which does not hold loopback: nothing ends, and the
 * backend says the list is stale rather than trusting it silently.
 */
import { copyFileSync, mkdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './harness/fixtures';
import {
  detectionSettled,
  devicesEnrolled,
  sessionCookie,
  sessionEnded,
  storedOnce,
  verdictReasons,
} from './harness/detection';
import { torListWithLoopback } from './harness/tor-list';

const DIR = join(tmpdir(), `sg-e2e-tor-${process.pid}`);
mkdirSync(DIR, { recursive: true });

/** The real list of 2023-10-14, dated as published: old, and never presented as current. */
function realOldList(): string {
  const file = join(DIR, 'torbulkexitlist-2023-10-14.txt');
  copyFileSync(new URL('../fixtures/tor/torbulkexitlist-2023-10-14.txt', import.meta.url).pathname, file);
  const published = Date.parse('2023-10-14T00:00:00Z') / 1000;
  utimesSync(file, published, published);
  return file;
}

test.describe('the exit list holds the address the browser reports from', () => {
  test.use({
    orgPolicy: { mode: 'enforce' },
    backendOptions: { serveArgs: ['--tor-exit-list', torListWithLoopback('tor')] },
  });

  test('ends the Slack session as soon as there is one', async ({ context, slack, backend }) => {
    await devicesEnrolled(backend);
    expect(await (await fetch(`${backend.url}/readyz`)).json()).toEqual({
      status: 'ready',
      slackIdentity: 'not_configured',
    });
    expect(await backend.api('/api/tor-exit-list')).toMatchObject({
      status: 'fresh',
      entries: 2,
      format: 'exit-addresses',
    });

    const signedInAt = Date.now();
    await slack.signIn().catch(() => undefined); // the client page may be cut off mid-load
    await sessionEnded(context);
    console.log(`signed in through a Tor exit → session ended: ${Date.now() - signedInAt} ms`);

    expect(await verdictReasons(backend)).toEqual([['tor']]);
    const [finding] = (await backend.api('/api/findings')).findings;
    expect(finding.evidence).toMatchObject({ sourceIp: '127.0.0.1', listStatus: 'fresh', listEntries: 2 });
    await expect.poll(async () => (await backend.api('/api/verdicts')).verdicts[0]?.ack?.outcome).toBe('executed');
  });
});

test.describe('the exit list does not hold it', () => {
  test.use({ orgPolicy: { mode: 'enforce' }, backendOptions: { serveArgs: ['--tor-exit-list', realOldList()] } });

  test('ends nothing, and reports the 2023 list as stale', async ({ context, slack, backend }) => {
    await devicesEnrolled(backend);

    await slack.signIn();
    await storedOnce(backend, 'session_cookie', (s) => s.data.change === 'appeared');
    await detectionSettled(backend); // the batch was looked at: now nothing may have happened

    expect(await sessionCookie(context)).toMatch(/^xoxd-/);
    expect(await verdictReasons(backend)).toEqual([]);
    const admin = await backend.api('/api/tor-exit-list');
    expect(admin).toMatchObject({ status: 'stale', stale: true, entries: 1305, format: 'torbulkexitlist' });
    expect(admin.ageSeconds).toBeGreaterThan(365 * 86_400);
    expect(backend.output()).toMatch(/Tor exit list: 1305 addresses, stale \(\d+ years old\)/);
  });
});
