/**
 * One managed Firefox the way an organisation deploys it (issue 15): the backend as a
 * real process, the Firefox build published to it (`extension pack --browser firefox`),
 * `policy export --format firefox` as the `policies.json` (force-install from the
 * backend's XPI URL, settings under 3rdparty), plus the `Certificates` policy for the
 * fake Slack's test CA. Firefox reaches Slack through a PAC proxy (slack-proxy.ts).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'puppeteer-core';
import { startFakeSlack, type FakeSlack } from '../../fakes/fake-slack';
import { startBackend, type Backend } from '../../e2e/harness/backend';
import { startHttpOnlyProxy, type HttpOnlyProxy } from '../../e2e/harness/http-only-proxy';
import { findFirefox, launchFirefox } from './firefox';
import { startSlackProxy, type SlackProxy } from './slack-proxy';

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;
const CLI = join(ROOT, 'bin', 'session-guard.mjs');
export const GECKO_ID = 'session-guard@session-guard.org';
/** Pinned through `extensions.webextensions.uuids`, so the test can open the extension's pages. */
export const UUID = '5e551017-0000-4000-8000-00000000f1f0';
export const EXTENSION_ORIGIN = `moz-extension://${UUID}`;
/** The build the global setup made (build-firefox.global-setup.ts). */
const FIREFOX_BUILD = join(ROOT, '.output', 'firefox-mv2-e2e');
const TEST_CA = new URL('../../fixtures/tls/firefox-ca.crt', import.meta.url).pathname;

export interface GuardedFirefoxOptions {
  orgPolicy: object;
  /** Managed keys merged over the exported ones; null deploys no `3rdparty` settings at all. */
  settings?: Record<string, unknown> | null;
  /** Put a proxy that refuses WebSockets between the extension and the backend. */
  viaHttpOnlyProxy?: boolean;
  backgroundIdleSeconds?: number;
}

export interface GuardedFirefox {
  browser: Browser;
  backend: Backend;
  fakeSlack: FakeSlack;
  slackProxy: SlackProxy;
  httpOnlyProxy: HttpOnlyProxy | null;
  policies: Record<string, any>;
  close(): Promise<void>;
}

export async function startGuardedFirefox(options: GuardedFirefoxOptions): Promise<GuardedFirefox> {
  const firefox = findFirefox();
  if (!firefox) throw new Error('No Firefox: install firefox-esr or set SESSION_GUARD_FIREFOX');
  const dir = mkdtempSync(join(tmpdir(), 'sg-firefox-'));
  mkdirSync(join(dir, 'backend-data'));
  const backend = await startBackend(join(dir, 'backend-data'), options.orgPolicy);
  const fakeSlack = await startFakeSlack({ tls: 'leaf' });
  const slackProxy = await startSlackProxy(fakeSlack.port);
  const httpOnlyProxy = options.viaHttpOnlyProxy ? await startHttpOnlyProxy(backend.url) : null;
  const cli = async (...args: string[]) =>
    (await run(process.execPath, [CLI, ...args, '--data-dir', backend.dataDir], { cwd: ROOT })).stdout;
  await cli('extension', 'pack', '--browser', 'firefox', '--extension-dir', FIREFOX_BUILD);
  const policies = JSON.parse(await cli('policy', 'export', '--format', 'firefox', '--backend-url', backend.url));
  const managed = policies.policies['3rdparty'].Extensions[GECKO_ID];
  Object.assign(managed, options.settings, httpOnlyProxy ? { backendUrl: httpOnlyProxy.url } : {});
  if (options.settings === null) delete policies.policies['3rdparty'];
  policies.policies.Certificates = { Install: [TEST_CA] };
  const browser = await launchFirefox({
    dir: join(dir, 'firefox'),
    firefox,
    policies,
    pacUrl: slackProxy.pacUrl,
    uuids: { [GECKO_ID]: UUID },
    backgroundIdleSeconds: options.backgroundIdleSeconds,
  });
  return {
    browser,
    backend,
    fakeSlack,
    slackProxy,
    httpOnlyProxy,
    policies,
    async close() {
      await browser.close().catch(() => undefined);
      await Promise.all([backend.stop(), fakeSlack.close(), slackProxy.close(), httpOnlyProxy?.close()]);
    },
  };
}

/**
 * Opens one of the extension's own pages. WebDriver BiDi in Firefox loads it but does not
 * report the navigation into the extension's process, so this waits for the document itself.
 */
export async function openExtensionPage(browser: Browser, path: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${EXTENSION_ORIGIN}/${path}`, { timeout: 3_000 }).catch(() => undefined);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await page
      .evaluate(() => location.protocol === 'moz-extension:' && document.readyState === 'complete')
      .catch(() => false);
    if (ready) return page;
    if (Date.now() > deadline) throw new Error(`${path} did not open (is the extension installed?)`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The popup's words, the status record behind them and the next tick alarm, read from
 * popup.html in a tab (storage and alarms, so reading never wakes the background).
 */
export async function popup(
  browser: Browser,
): Promise<{ text: string; status: Record<string, any>; nextTick: number | null }> {
  const page = await openExtensionPage(browser, 'popup.html');
  try {
    return await page.evaluate(async () => {
      const api = (globalThis as any).browser;
      return {
        text: document.body.innerText,
        status: (await api.storage.local.get('status')).status,
        nextTick: (await api.alarms.get('session-guard-tick'))?.scheduledTime ?? null,
      };
    });
  } finally {
    await page.close();
  }
}
