/**
 * Shared steps for the session-vault end-to-end tests (issue #13): a force-installed
 * Chromium (with `--password-store=basic`, so the stealer can decrypt the Cookies file as
 * malware would), the vault's state read from the extension, and "use Slack": a page load,
 * API calls, a file fetch, a download and the WebSocket.
 */
import type { BrowserContext, Page, Worker } from '@playwright/test';
import type { FakeSlack } from '../../fakes/fake-slack';
import { TEAM_ID } from '../../fakes/fake-slack';
import { installedWorker, launchForceInstalled, test as base } from './force-install';

declare const chrome: any;

export const STEALER_ARGS = ['--password-store=basic'];

export const test = base.extend<{ chromiumDir: string }>({
  chromiumDir: async ({}, use, testInfo) => use(testInfo.outputPath('chromium')),
  context: async ({ chromiumPath, fakeSlack, policyFile, chromiumDir }, use) => {
    const context = await launchForceInstalled({
      dir: chromiumDir,
      chromiumPath,
      policy: policyFile,
      hostRules: fakeSlack.hostRules,
      extraArgs: STEALER_ARGS,
    });
    await use(context);
    await context.close().catch(() => undefined);
  },
});
export const expect = test.expect;

/** The popup's record of the vault (status.sessionVault). */
export async function vaultStatus(
  worker: Worker,
): Promise<{ requested: string; mode: string; reason: string | null } | null> {
  return worker.evaluate(async () => (await chrome.storage.local.get('status')).status?.sessionVault ?? null);
}

export async function vaultRuleCount(worker: Worker): Promise<number> {
  return worker.evaluate(
    async () => (await chrome.declarativeNetRequest.getSessionRules()).filter((r: any) => r.id > 1_300_000).length,
  );
}

/** Records every `d` the cookie store receives, from now on, in the worker (time in the store). */
export async function watchStore(worker: Worker): Promise<void> {
  await worker.evaluate(() => {
    (globalThis as any).__dEvents = [];
    chrome.cookies.onChanged.addListener(({ removed, cookie }: any) => {
      if (cookie.name === 'd') (globalThis as any).__dEvents.push({ removed, at: Date.now() });
    });
  });
}

/** Milliseconds each `d` spent in the store (added to removed), and how many were added. */
export async function storeTimes(worker: Worker): Promise<{ added: number; inStoreMs: number[] }> {
  const events = (await worker.evaluate(() => (globalThis as any).__dEvents)) as { removed: boolean; at: number }[];
  const inStoreMs: number[] = [];
  let addedAt: number | null = null;
  for (const e of events) {
    if (!e.removed) addedAt = e.at;
    else if (addedAt !== null) (inStoreMs.push(e.at - addedAt), (addedAt = null));
  }
  return { added: events.filter((e) => !e.removed).length, inStoreMs };
}

export interface SlackUse {
  api: boolean;
  fileBytes: number;
  download: boolean;
  socket: string;
  /** Mean milliseconds of one `/api/` call from the page (of `calls`). */
  apiCallMs: number;
}

/** Uses the signed-in Slack client the way a person's browser does. */
export async function useSlack(page: Page, calls = 40): Promise<SlackUse> {
  const api = (await page.evaluate(() => (window as any).callApi('conversations.list'))).ok === true;
  const fileBytes = await page.evaluate(() => (window as any).fetchFile(1, 4096));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#file-2')]);
  const downloaded = (await download.failure()) === null;
  const socket = await page.evaluate(() => (window as any).openSocket());
  const apiCallMs = await page.evaluate(async (n) => {
    const started = performance.now();
    for (let i = 0; i < n; i++) await (window as any).callApi('users.counts');
    return (performance.now() - started) / n;
  }, calls);
  return { api, fileBytes, download: downloaded, socket, apiCallMs };
}

/** Requests the fake Slack received since `since` on the paths that need the session. */
export function sessionRequests(fake: FakeSlack, since: number) {
  return fake.requests
    .filter((r) => r.at >= since)
    .filter(
      (r) =>
        r.path.startsWith(`/client/${TEAM_ID}`) ||
        r.path.startsWith('/api/conversations.list') ||
        r.path.includes('/files-pri/') ||
        r.method === 'UPGRADE',
    );
}

export async function relaunch(options: {
  chromiumPath: string;
  fakeSlack: FakeSlack;
  policyFile: object;
  chromiumDir: string;
}): Promise<BrowserContext> {
  return launchForceInstalled({
    dir: options.chromiumDir,
    chromiumPath: options.chromiumPath,
    policy: options.policyFile,
    hostRules: options.fakeSlack.hostRules,
    extraArgs: STEALER_ARGS,
  });
}

export { installedWorker };
