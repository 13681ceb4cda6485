/**
 * unexpected_message_deletion and excessive_file_shares in real Chromium (issue #14), on
 * the org policy's defaults (100 deletions, 50 shares a minute): the extension counts the
 * Slack page's API calls per method (webRequest on /api/*). 300 chat.delete in a minute, or
 * 200 file shares and public links, end the session; a user tidying 30 of their own
 * messages, or sharing 2 files, does not.
 */
import type { Page } from '@playwright/test';
import { storedSignals } from './harness/backend-db';
import { expect, test } from './harness/fixtures';
import { detectionSettled, devicesEnrolled, sessionCookie, sessionEnded, verdictReasons } from './harness/detection';

test.use({ orgPolicy: { mode: 'enforce' } });

/** Calls the methods in turn, `count` calls in all, as fast as the page can; the replies' `ok`. */
function callInLoop(page: Page, methods: string[], count: number): Promise<boolean[]> {
  return page.evaluate(
    async ([ms, n]) => {
      const oks: boolean[] = [];
      for (let i = 0; i < n; i++) oks.push(((await (window as any).callApi(ms[i % ms.length])) as { ok: boolean }).ok);
      return oks;
    },
    [methods, count] as const,
  );
}

const storedCalls = (dataDir: string, methods: string[]) =>
  storedSignals(dataDir, 'api_calls')
    .filter((s) => methods.includes(s.data.method as string))
    .reduce((sum, s) => sum + (s.data.count as number), 0);

const ATTACKS = [
  { reason: 'unexpected_message_deletion', methods: ['chat.delete'], attack: 300, benign: 30, what: 'deletions' },
  {
    reason: 'excessive_file_shares',
    methods: ['files.share', 'files.sharedPublicURL'],
    attack: 200,
    benign: 2,
    what: 'file shares and public links',
  },
] as const;

for (const { reason, methods, attack, benign, what } of ATTACKS) {
  test(`${reason}: ${attack} ${what} in a minute end the session`, async ({ context, slack, backend, fakeSlack }) => {
    const page = await slack.signIn();
    await devicesEnrolled(backend);

    const startedAt = Date.now();
    // Ending the session reloads Slack's tabs, which cuts the loop short; that is expected.
    const loop = callInLoop(page, [...methods], attack).catch(() => null);
    await sessionEnded(context);
    const endedAt = Date.now();
    await loop;

    expect(await verdictReasons(backend)).toEqual([[reason]]);
    const finding = (await backend.api('/api/findings')).findings.find((f: { reason: string }) => f.reason === reason);
    expect(finding).toMatchObject({ outcome: 'verdict_issued' });
    // Nothing from the page reached Slack with the session once the browser dropped it (the
    // guard's own sign-out goes to slack.com with the old d on purpose, so only app.slack.com counts).
    const fromPage = fakeSlack.requests.filter((r) => r.host === 'app.slack.com');
    expect(fromPage.filter((r) => r.at > endedAt + 50 && r.sessionCookie !== null)).toEqual([]);
    const sent = fromPage.filter((r) => methods.some((m) => r.path === `/api/${m}`) && r.sessionCookie !== null);
    expect(sent.length).toBeGreaterThan(methods.length === 1 ? 100 : 50);
    console.log(`${reason}: session ended ${endedAt - startedAt} ms after the first call, ${sent.length} calls`);
  });

  test(`${reason}: ${benign} ${what} leave the session alone`, async ({ context, slack, backend }) => {
    const page = await slack.signIn();
    await devicesEnrolled(backend);

    expect(await callInLoop(page, [...methods], benign)).toEqual(Array(benign).fill(true));
    // Windows close ten seconds after their first call, then the outbox sends them.
    await expect.poll(() => storedCalls(backend.dataDir, [...methods]), { timeout: 40_000 }).toBe(benign);
    await detectionSettled(backend); // the batch was looked at: now nothing may have happened

    expect(await sessionCookie(context)).toMatch(/^xoxd-/);
    expect(await verdictReasons(backend)).toEqual([]);
    expect((await backend.api('/api/findings')).findings).toEqual([]);
  });
}
