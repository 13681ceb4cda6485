/**
 * session_cookie_injection in real Chromium (issue #3): a stolen Slack session written
 * into the browser through the DevTools protocol (`Network.setCookie`), with no sign-in
 * navigation before it, is ended on the device. Its benign twin, signing in, signing out
 * and signing in again through Slack's pages, ends nothing.
 */
import assert from 'node:assert/strict';
import { storedSignals } from './harness/backend-db';
import { expect, test } from './harness/fixtures';
import {
  detectionSettled,
  devicesEnrolled,
  sessionCookie,
  sessionEnded,
  slackCookie,
  stealSession,
  storedOnce,
  verdictReasons,
} from './harness/detection';

test.use({ orgPolicy: { mode: 'enforce', detectors: { session_cookie_injection: { action: 'terminate' } } } });

test('ends a session cookie injected through the DevTools protocol with no sign-in', async ({
  context,
  backend,
  fakeSlack,
  serviceWorker,
}) => {
  await devicesEnrolled(backend);
  const stolen = await stealSession(fakeSlack.port);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);

  const injectedAt = Date.now();
  for (const name of ['d', 'd-s', 'b']) {
    const { sameSite: _sameSite, ...cookie } = slackCookie(name, stolen[name]!);
    expect((await cdp.send('Network.setCookie', { ...cookie, sameSite: 'Lax' })).success).toBe(true);
  }
  await sessionEnded(context);
  const endedMs = Date.now() - injectedAt;

  expect(await verdictReasons(backend)).toEqual([['session_cookie_injection']]);
  const [finding] = (await backend.api('/api/findings')).findings;
  expect(finding).toMatchObject({ reason: 'session_cookie_injection', outcome: 'verdict_issued' });
  expect(finding.evidence).toMatchObject({ change: 'appeared', lastSigninAt: null });
  const [signal] = await storedOnce(backend, 'session_cookie', (s) => s.data.change === 'appeared');
  assert(signal);
  expect(signal.data.lastSigninAt).toBeNull();
  const status = await serviceWorker.evaluate(() => (globalThis as any).chrome.storage.local.get('status'));
  expect((status as any).status.lastVerdict.reasons).toEqual(['session_cookie_injection']);
  console.log(`cookie injected → session ended: ${endedMs} ms`);
});

test('leaves sessions alone that came from signing in, out, and in again', async ({ context, slack, backend }) => {
  await devicesEnrolled(backend);

  await slack.signIn();
  const first = await sessionCookie(context);
  await storedOnce(backend, 'session_cookie', (s) => s.data.change === 'appeared');
  await context.clearCookies({ domain: '.slack.com' }); // signing out: Slack drops the session cookie
  await storedOnce(backend, 'session_cookie', (s) => s.data.change === 'removed');
  await slack.signIn();
  const second = await sessionCookie(context);
  const appeared = () => storedSignals(backend.dataDir, 'session_cookie').filter((s) => s.data.change === 'appeared');
  await expect.poll(() => appeared().length, { timeout: 30_000 }).toBe(2);
  await detectionSettled(backend); // the batch was looked at: now nothing may have happened

  expect(first).toMatch(/^xoxd-/);
  expect(second).toMatch(/^xoxd-/);
  expect(second).not.toBe(first);
  expect(appeared().map((s) => s.data.lastSigninAt)).toEqual([expect.any(Number), expect.any(Number)]);
  expect(await sessionCookie(context)).toBe(second);
  expect((await backend.api('/api/findings')).findings).toEqual([]);
  expect(await verdictReasons(backend)).toEqual([]);
});

test('ends an injected cookie even after a sign-in page was opened but never completed (issue #10)', async ({
  context,
  backend,
  fakeSlack,
}) => {
  await devicesEnrolled(backend);
  const stolen = await stealSession(fakeSlack.port);
  const page = await context.newPage();
  // What malware does to look legitimate: open Slack's sign-in page, then write the cookie.
  await page.goto('https://slack.com/signin');
  await storedOnce(backend, 'signin_navigation', (s) => s.data.step === 'signin');
  const cdp = await context.newCDPSession(page);

  for (const name of ['d', 'd-s', 'b']) {
    const { sameSite: _sameSite, ...cookie } = slackCookie(name, stolen[name]!);
    expect((await cdp.send('Network.setCookie', { ...cookie, sameSite: 'Lax' })).success).toBe(true);
  }
  await sessionEnded(context);

  expect(await verdictReasons(backend)).toEqual([['session_cookie_injection']]);
  expect(storedSignals(backend.dataDir, 'signin_navigation').map((s) => s.data.step)).not.toContain('completed');
});
