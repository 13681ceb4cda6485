/**
 * Issue #13 in real Chromium, with the extension force-installed by policy as deployed:
 * with the session vault on, Slack works (page loads, API calls, files, downloads, the
 * WebSocket all carry `d`), yet a stealer that reads the profile's Cookies file and
 * decrypts it, or asks the browser over the DevTools protocol, walks away with no `d`
 * that Slack accepts. With the vault off the same steps steal a working session (the
 * control). A verdict empties the vault; `sealed` survives a restart, `memory` asks the
 * user to sign in again. Figures: time `d` spends in the store, cost of an API call.
 */
import { TEAM_ID } from '../fakes/fake-slack';
import { stealFromCookiesFile, stealOverDevTools, workingSessions } from './harness/profile-stealer';
import {
  expect,
  installedWorker,
  relaunch,
  sessionRequests,
  storeTimes,
  test,
  useSlack,
  vaultRuleCount,
  vaultStatus,
  watchStore,
} from './harness/vault-session';
import { join } from 'node:path';
import {
  devicesEnrolled,
  sessionEnded,
  slackCookie,
  stealSession,
  storedOnce,
  verdictReasons,
} from './harness/detection';

const FILES_THRESHOLD = 4;
const policy = (sessionVault: 'off' | 'memory' | 'sealed') => ({
  mode: 'enforce',
  sessionVault,
  detectors: { excessive_downloads: { maxFiles: FILES_THRESHOLD, maxBytes: 500_000_000, windowSeconds: 600 } },
});

function report(testInfo: { annotations: { type: string; description?: string }[] }, figures: Record<string, unknown>) {
  for (const [type, value] of Object.entries(figures)) testInfo.annotations.push({ type, description: String(value) });
  console.log(`session-vault figures: ${JSON.stringify(figures)}`);
}

test.describe('vault memory', () => {
  test.use({ orgPolicy: policy('memory') });

  test('Slack works, a stealer gets no working d from the Cookies file or DevTools, a restart asks for sign-in', async ({
    context,
    serviceWorker,
    packed,
    fakeSlack,
    slack,
    chromiumPath,
    policyFile,
    chromiumDir,
  }, testInfo) => {
    await expect.poll(() => vaultStatus(serviceWorker), { timeout: 45_000 }).toMatchObject({ mode: 'memory' });
    await watchStore(serviceWorker);
    const since = Date.now();
    const page = await slack.signIn();
    const issued = fakeSlack.sessions.at(-1)!;
    const used = await useSlack(page);
    expect(used).toMatchObject({
      api: true,
      fileBytes: 4096,
      download: true,
      socket: JSON.stringify({ type: 'hello' }),
    });
    // Every request that needs the session carried the one Slack issued: page, API, files, WebSocket.
    const needing = sessionRequests(fakeSlack, since);
    expect(new Set(needing.map((r) => (r.method === 'UPGRADE' ? 'websocket' : r.path.split('/')[1])))).toEqual(
      new Set(['client', 'api', 'files-pri', 'websocket']),
    );
    expect(needing.filter((r) => r.sessionCookie !== issued)).toEqual([]);
    expect(await vaultRuleCount(serviceWorker)).toBe(3);

    // The stealer, first over the DevTools protocol, then from the profile on disk.
    const overDevTools = await stealOverDevTools(context);
    expect(overDevTools.map((c) => c.name)).toContain('b'); // it does see Slack's other cookies
    expect(await workingSessions(fakeSlack, overDevTools)).toEqual([]);
    const store = await storeTimes(serviceWorker);
    await context.close();
    const fromFile = stealFromCookiesFile(join(chromiumDir, 'profile'));
    expect(fromFile.find((c) => c.name === 'b')?.value).toMatch(/^[0-9a-f]{16}$/); // decryption works
    expect(await workingSessions(fakeSlack, fromFile)).toEqual([]);

    // `memory`: after a restart the user signs in again, and the popup says so.
    const again = await relaunch({ chromiumPath, fakeSlack, policyFile, chromiumDir });
    const worker = await installedWorker(again, packed.extensionId);
    await expect.poll(() => vaultStatus(worker), { timeout: 45_000 }).toMatchObject({ mode: 'memory' });
    const tab = await again.newPage();
    await tab.goto(`https://app.slack.com/client/${TEAM_ID}`);
    await expect(tab).toHaveURL(/slack\.com\/signin/);
    await tab.goto(`chrome-extension://${packed.extensionId}/popup.html`);
    await expect(tab.getByText(/After a browser restart, sign in to Slack again/)).toBeVisible();
    await again.close();
    report(testInfo, {
      dAddedToStore: store.added,
      inStoreMs: store.inStoreMs.join(',') || 0,
      apiCallMsVaultOn: used.apiCallMs.toFixed(2),
    });
  });

  test('a verdict ends the session with the vault on and empties the vault', async ({
    serviceWorker,
    backend,
    fakeSlack,
    slack,
  }) => {
    await expect.poll(() => vaultStatus(serviceWorker), { timeout: 45_000 }).toMatchObject({ mode: 'memory' });
    await slack.signIn();
    const issued = fakeSlack.sessions.at(-1)!;
    expect(await slack.sessionCookie()).toBeUndefined();
    await expect.poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0).toBe(1);
    await slack.downloadFiles(FILES_THRESHOLD + 1);
    await expect
      .poll(async () => (await backend.api('/api/verdicts')).verdicts?.[0]?.ack?.outcome, { timeout: 20_000 })
      .toBe('executed');
    expect(await vaultRuleCount(serviceWorker)).toBe(0);
    expect(
      await serviceWorker.evaluate(
        async () => (await chrome.storage.session.get('sessionVault')).sessionVault?.held ?? null,
      ),
    ).toBeNull();
    // The vault's `d` went to the sign-out at Slack: the session is over there too.
    await expect.poll(() => fakeSlack.ended.has(issued)).toBe(true);
    const [verdict] = (await backend.api('/api/verdicts')).verdicts;
    expect(verdict.ack.cookiesCleared).toBeGreaterThan(0);
    const tab = await slack.page!.context().newPage();
    await tab.goto(`https://app.slack.com/client/${TEAM_ID}`);
    await expect(tab).toHaveURL(/slack\.com\/signin/);
  });
});

test.describe('vault memory, detectors', () => {
  test.use({
    orgPolicy: {
      ...policy('memory'),
      detectors: { session_cookie_injection: { action: 'terminate' }, excessive_downloads: { enabled: false } },
    },
  });

  test('the session key comes from the vault; a d injected into the store is foreign and ends the session', async ({
    context,
    serviceWorker,
    backend,
    fakeSlack,
    slack,
  }) => {
    await expect.poll(() => vaultStatus(serviceWorker), { timeout: 45_000 }).toMatchObject({ mode: 'memory' });
    await devicesEnrolled(backend);
    await slack.signIn();
    const issued = fakeSlack.sessions.at(-1)!;
    // Signing in through Slack's pages: the session is reported (bound) from the vault, vouched for.
    const [signedIn] = await storedOnce(backend, 'session_cookie', (s) => s.data.change === 'appeared');
    expect(signedIn!.data.lastSigninAt).toEqual(expect.any(Number));

    // A thief's session written into the store right after (inside the sign-in's grace window).
    const stolen = await stealSession(fakeSlack.port);
    const cdp = await context.newCDPSession(slack.page!);
    const { sameSite: _sameSite, ...cookie } = slackCookie('d', stolen.d!);
    expect((await cdp.send('Network.setCookie', { ...cookie, sameSite: 'Lax' })).success).toBe(true);
    await expect.poll(() => verdictReasons(backend), { timeout: 20_000 }).toEqual([['session_cookie_injection']]);
    await sessionEnded(context);
    await expect.poll(() => vaultRuleCount(serviceWorker)).toBe(0);
    // The vault's own session is gone from this browser too.
    const after = Date.now();
    const tab = await context.newPage();
    await tab.goto(`https://app.slack.com/client/${TEAM_ID}`);
    await expect(tab).toHaveURL(/slack\.com\/signin/);
    expect(fakeSlack.requests.filter((r) => r.at >= after && r.sessionCookie === issued)).toEqual([]);
  });
});

test.describe('vault sealed', () => {
  test.use({ orgPolicy: policy('sealed') });

  test('the session survives a browser restart and is still not in the Cookies file', async ({
    context,
    serviceWorker,
    packed,
    fakeSlack,
    slack,
    chromiumPath,
    policyFile,
    chromiumDir,
  }) => {
    await expect.poll(() => vaultStatus(serviceWorker), { timeout: 45_000 }).toMatchObject({ mode: 'sealed' });
    await slack.signIn();
    const issued = fakeSlack.sessions.at(-1)!;
    expect(await slack.sessionCookie()).toBeUndefined();
    await context.close();
    expect(await workingSessions(fakeSlack, stealFromCookiesFile(join(chromiumDir, 'profile')))).toEqual([]);

    const again = await relaunch({ chromiumPath, fakeSlack, policyFile, chromiumDir });
    const worker = await installedWorker(again, packed.extensionId);
    await expect.poll(() => vaultRuleCount(worker), { timeout: 45_000 }).toBe(3);
    const since = Date.now();
    const tab = await again.newPage();
    await tab.goto(`https://app.slack.com/client/${TEAM_ID}`);
    await expect(tab).toHaveURL(/app\.slack\.com\/client\//);
    expect(sessionRequests(fakeSlack, since).map((r) => r.sessionCookie)).toContain(issued);
    expect(await workingSessions(fakeSlack, await stealOverDevTools(again))).toEqual([]);
    await again.close();
  });
});

test.describe('vault off (control)', () => {
  test.use({ orgPolicy: policy('off') });

  test('the same stealer takes a working session from DevTools and from the Cookies file', async ({
    context,
    serviceWorker,
    backend,
    fakeSlack,
    slack,
    chromiumDir,
  }, testInfo) => {
    await expect
      .poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0, { timeout: 45_000 })
      .toBe(1);
    const page = await slack.signIn();
    const issued = fakeSlack.sessions.at(-1)!;
    const used = await useSlack(page);
    expect(used).toMatchObject({ api: true, download: true, socket: JSON.stringify({ type: 'hello' }) });
    expect(await vaultStatus(serviceWorker)).toMatchObject({ requested: 'off', mode: 'off' });
    expect(await workingSessions(fakeSlack, await stealOverDevTools(context))).toEqual([issued]);
    await context.close();
    expect(await workingSessions(fakeSlack, stealFromCookiesFile(join(chromiumDir, 'profile')))).toEqual([issued]);
    report(testInfo, { apiCallMsVaultOff: used.apiCallMs.toFixed(2) });
  });
});

declare const chrome: any;
