/**
 * unexpected_api_call_volume in real Chromium (issue #3): the extension counts the Slack
 * client page's API calls per method (webRequest on /api/*); a page calling
 * conversations.history in a tight loop has its session ended, and its next calls go out
 * without a session. The benign twin, a hundred calls spread over four methods, ends nothing.
 */
import type { Page } from '@playwright/test';
import { storedSignals } from './harness/backend-db';
import { expect, test } from './harness/fixtures';
import { detectionSettled, devicesEnrolled, sessionCookie, sessionEnded, verdictReasons } from './harness/detection';

const LIMIT = 120;
test.use({
  orgPolicy: {
    mode: 'enforce',
    detectors: { unexpected_api_call_volume: { action: 'terminate', maxCallsPerMinute: LIMIT } },
  },
});

/** Calls `method` `count` times, one after another, as fast as the page can; returns the replies' `ok`. */
function callInLoop(page: Page, method: string, count: number): Promise<boolean[]> {
  return page.evaluate(
    async ([m, n]) => {
      const oks: boolean[] = [];
      for (let i = 0; i < n; i++) oks.push(((await (window as any).callApi(m)) as { ok: boolean }).ok);
      return oks;
    },
    [method, count] as const,
  );
}

const storedCalls = (dataDir: string) =>
  storedSignals(dataDir, 'api_calls').reduce((sum, s) => sum + (s.data.count as number), 0);

test('ends the session of a page scraping conversations.history in a tight loop', async ({
  context,
  slack,
  backend,
  fakeSlack,
}) => {
  const page = await slack.signIn();
  await devicesEnrolled(backend);
  const before = fakeSlack.requests.length;

  const startedAt = Date.now();
  // Ending the session reloads Slack's tabs, which cuts the loop short; that is expected.
  const scraping = callInLoop(page, 'conversations.history', 600).catch(() => null);
  await sessionEnded(context);
  const endedAt = Date.now();
  await scraping;

  expect(await verdictReasons(backend)).toEqual([['unexpected_api_call_volume']]);
  const [finding] = (await backend.api('/api/findings')).findings;
  expect(finding.evidence).toMatchObject({ method: 'conversations.history', maxCallsPerMinute: LIMIT });
  expect(finding.evidence.callsPerMinute).toBeGreaterThan(LIMIT);
  const calls = fakeSlack.requests.slice(before).filter((r) => r.path === '/api/conversations.history');
  const withSession = calls.filter((r) => r.sessionCookie !== null);
  expect(withSession.length).toBeGreaterThan(LIMIT);
  // Nothing from the page reached Slack with the session after the browser dropped it. The
  // guard's own sign-out (on slack.com, not app.slack.com) sends the old d on purpose: it ends
  // it, then checks with auth.test that Slack refuses it.
  const fromPage = fakeSlack.requests.filter((r) => r.host === 'app.slack.com');
  expect(fromPage.filter((r) => r.at > endedAt + 50 && r.sessionCookie !== null)).toEqual([]);
  const after = await context.newPage();
  await after.goto('https://app.slack.com/api/conversations.history');
  expect(await after.textContent('body')).toContain('not_authed');
  console.log(
    `scraping loop → session ended: ${endedAt - startedAt} ms, after ${withSession.length} calls with the session`,
  );
});

test('leaves a normal client alone: a hundred calls over four methods', async ({ context, slack, backend }) => {
  const page = await slack.signIn();
  await devicesEnrolled(backend);

  for (let round = 0; round < 25; round++) {
    for (const method of ['conversations.history', 'users.info', 'search.messages', 'client.counts'])
      await callInLoop(page, method, 1);
  }
  // Windows close ten seconds after their first call, then the outbox sends them.
  await expect.poll(() => storedCalls(backend.dataDir), { timeout: 40_000 }).toBe(100);
  await detectionSettled(backend); // the batch was looked at: now nothing may have happened

  expect(await sessionCookie(context)).toMatch(/^xoxd-/);
  expect(await verdictReasons(backend)).toEqual([]);
  expect((await backend.api('/api/findings')).findings).toEqual([]);
  expect(new Set(storedSignals(backend.dataDir, 'api_calls').map((s) => s.data.method))).toEqual(
    new Set(['conversations.history', 'users.info', 'search.messages', 'client.counts']),
  );
});
