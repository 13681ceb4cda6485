/**
 * Playwright fixtures for the end-to-end tests: a fake Slack on loopback, the backend as
 * a real process, and real Chromium with the built extension and a real managed policy.
 */
import { test as base, chromium, type BrowserContext, type Worker } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeSlack, type FakeSlack } from '../../fakes/fake-slack';
import { startBackend, type Backend, type BackendOptions } from './backend';
import { assertMountNamespaces, chromiumArgs, chromiumWithPolicy, findChromium } from './chromium';
import { SlackPage } from './slack-page';

export const EXTENSION_DIR = new URL('../../../.output/chrome-mv3', import.meta.url).pathname;

interface Fixtures {
  orgPolicy: object | undefined;
  /**
   * The extension's managed configuration: by default the backend's own `policy export`;
   * an object is merged over it (to break a key); null deploys no policy at all.
   */
  extensionPolicy: Record<string, unknown> | null | undefined;
  /** More for the backend process: `serve` flags and environment (data, not a function). */
  backendOptions: BackendOptions | undefined;
  backend: Backend;
  context: BrowserContext;
  serviceWorker: Worker;
  extensionId: string;
  slack: SlackPage;
}

/** `policy export` without the force-install entry: these tests load the build unpacked. */
async function managedPolicyFor(backend: Backend, override: Record<string, unknown> | null | undefined) {
  if (override === null) return null;
  const exported = await backend.exportPolicy();
  const extensions = exported['3rdparty'].extensions as Record<string, Record<string, unknown>>;
  for (const id of Object.keys(extensions)) extensions[id] = { ...extensions[id], ...override };
  return { '3rdparty': exported['3rdparty'] };
}

export const test = base.extend<Fixtures, { fakeSlack: FakeSlack; chromiumPath: string }>({
  fakeSlack: [
    async ({}, use) => {
      const slack = await startFakeSlack();
      await use(slack);
      await slack.close();
    },
    { scope: 'worker' },
  ],
  chromiumPath: [
    async ({}, use) => {
      assertMountNamespaces();
      await use(await findChromium());
    },
    { scope: 'worker' },
  ],
  orgPolicy: [undefined, { option: true }],
  extensionPolicy: [undefined, { option: true }],
  backendOptions: [undefined, { option: true }],

  backend: async ({ orgPolicy, backendOptions }, use, testInfo) => {
    const dataDir = testInfo.outputPath('backend-data');
    mkdirSync(dataDir, { recursive: true });
    const backend = await startBackend(dataDir, orgPolicy, backendOptions);
    await use(backend);
    await backend.stop();
    await testInfo.attach('backend-output', { body: backend.output(), contentType: 'text/plain' });
  },

  context: async ({ backend, extensionPolicy, fakeSlack, chromiumPath }, use, testInfo) => {
    const dir = testInfo.outputPath('chromium');
    mkdirSync(dir, { recursive: true });
    const executable = chromiumWithPolicy(dir, chromiumPath, await managedPolicyFor(backend, extensionPolicy));
    const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: executable,
      headless: true,
      args: chromiumArgs(EXTENSION_DIR, fakeSlack.hostRules),
      ignoreDefaultArgs: ['--disable-extensions', '--disable-component-extensions-with-background-pages'],
      ignoreHTTPSErrors: true,
      acceptDownloads: true,
    });
    await use(context);
    await context.close();
  },

  serviceWorker: async ({ context }, use) => {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
    await use(worker);
  },

  extensionId: async ({ serviceWorker }, use) => {
    await use(new URL(serviceWorker.url()).host);
  },

  // A user signs in to Slack long after the browser started the guard. Signing in while the
  // worker is still starting races its webRequest listeners: the response that set `d` goes
  // unseen while the cookie change is seen, which is what an injected cookie looks like.
  slack: async ({ context, fakeSlack, serviceWorker }, use) => {
    await guardListening(serviceWorker);
    await use(new SlackPage(context, fakeSlack));
  },
});

export const expect = test.expect;

/** Waits until the worker has registered its listeners (it records its start right after). */
async function guardListening(worker: Worker): Promise<void> {
  await expect
    .poll(
      () =>
        worker.evaluate(async () => {
          const { status } = await (globalThis as any).chrome.storage.local.get('status');
          return (status?.backgroundStartedAt as number | null | undefined) ?? null;
        }),
      { timeout: 15_000, message: 'the extension worker has started and registered its listeners' },
    )
    .not.toBeNull();
}
