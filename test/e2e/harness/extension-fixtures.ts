/**
 * Fixtures for the extension's own end-to-end tests, on top of fixtures.ts (whose
 * fixtures keep their meaning): `launch` opens more browsers on the same policy (a
 * restart on the same profile, or another machine), `probe` reads the extension's state,
 * `stored` reads what the backend stored.
 */
import type { BrowserContext } from '@playwright/test';
import { storedSignals, type StoredSignal } from './backend-db';
import { test as base, expect } from './fixtures';
import { extensionWorker, launchGuardedChromium, managedPolicy, type LaunchOptions } from './guarded-browser';
import { ExtensionProbe } from './extension-probe';
import { startHttpOnlyProxy, type HttpOnlyProxy } from './http-only-proxy';
import { WorkerControl } from './worker-control';

interface ExtensionOptions {
  /**
   * Keys merged over the exported managed policy (as `extensionPolicy` is in fixtures.ts);
   * null deploys no policy at all.
   */
  policyOverride: Record<string, unknown> | null;
  /** Point the extension at a proxy that refuses WebSockets (verdicts only by poll). */
  viaHttpOnlyProxy: boolean;
}

interface ExtensionFixtures {
  httpOnlyProxy: HttpOnlyProxy | null;
  /** The managed policy file the `context` fixture deployed. */
  policyFile: object | null;
  /** Launches Chromium on `<outputPath>/<name>` (default: the fixture's own profile folder). */
  launch: (options?: Partial<LaunchOptions> & { name?: string }) => Promise<BrowserContext>;
  /** Reads the extension's state from its own page (never wakes the worker). */
  probe: ExtensionProbe;
  stored: (type?: string) => StoredSignal[];
  /** Stops the fixture context's service worker the DevTools way and watches it restart. */
  workers: WorkerControl;
}

export const test = base.extend<ExtensionOptions & ExtensionFixtures>({
  policyOverride: [{}, { option: true }],
  viaHttpOnlyProxy: [false, { option: true }],
  httpOnlyProxy: async ({ backend, viaHttpOnlyProxy }, use) => {
    if (!viaHttpOnlyProxy) return use(null);
    const proxy = await startHttpOnlyProxy(backend.url);
    await use(proxy);
    await proxy.close();
  },
  // The base `context` fixture deploys `extensionPolicy`; here it follows the options above.
  extensionPolicy: async ({ policyOverride, httpOnlyProxy: proxy }, use) => {
    await use(policyOverride === null ? null : { ...policyOverride, ...(proxy ? { backendUrl: proxy.url } : {}) });
  },
  policyFile: async ({ backend, extensionPolicy }, use) => {
    await use(extensionPolicy === null ? null : await managedPolicy(backend, extensionPolicy ?? {}));
  },
  launch: async ({ chromiumPath, fakeSlack, policyFile }, use, testInfo) => {
    const opened: BrowserContext[] = [];
    await use(async ({ name = 'chromium', ...options } = {}) => {
      const context = await launchGuardedChromium({
        dir: testInfo.outputPath(name),
        chromiumPath,
        policy: policyFile,
        hostRules: fakeSlack.hostRules,
        ...options,
      });
      opened.push(context);
      return context;
    });
    for (const context of opened) await context.close().catch(() => undefined);
  },
  probe: async ({ context, extensionId }, use) => {
    await use(new ExtensionProbe(context, extensionId));
  },
  stored: async ({ backend }, use) => {
    await use((type) => storedSignals(backend.dataDir, type));
  },
  workers: async ({ context, extensionId }, use) => {
    const control = new WorkerControl(context, extensionId);
    await use(control);
    await control.close();
  },
});

export { expect, extensionWorker };
