/**
 * Fixtures for the deployment tests (issue #6): the extension is NOT loaded from disk.
 * `extension pack` publishes the build to the backend's store, `policy export --format
 * chrome-linux` becomes the managed policy, and Chromium force-installs the extension
 * from the backend's update manifest, as a managed fleet does (DESIGN.md, "Testing
 * against reality": no --load-extension, no --disable-extensions, background networking
 * on, DeveloperToolsAvailability 1 so Playwright may attach to a policy-installed
 * extension). The other fixtures (backend, fakeSlack, slack, extensionId) are fixtures.ts's.
 */
import { chromium, type BrowserContext, type Worker } from '@playwright/test';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Backend } from './backend';
import { chromiumWithPolicy } from './chromium';
import { EXTENSION_DIR, test as base } from './fixtures';

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;
const CLI = join(ROOT, 'bin', 'session-guard.mjs');

export interface Packed {
  extensionId: string;
  version: string;
  output: string;
}

/** `session-guard extension pack` into the backend's store, as an admin runs it. */
export async function packIntoBackend(backend: Backend, extensionDir = EXTENSION_DIR): Promise<Packed> {
  const args = [CLI, 'extension', 'pack', '--extension-dir', extensionDir, '--data-dir', backend.dataDir];
  const { stdout } = await run(process.execPath, args, { cwd: ROOT });
  const extensionId = stdout.match(/^Extension ID: ([a-p]{32})$/m)?.[1];
  const version = stdout.match(/now offers version (\S+)/)?.[1];
  if (!extensionId || !version) throw new Error(`extension pack printed no ID or version:\n${stdout}`);
  return { extensionId, version, output: stdout };
}

/** A copy of the build with its manifest version raised to `version` (a new release). */
export function buildWithVersion(dir: string, version: string): string {
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, version }));
  return dir;
}

export function forceInstallArgs(hostRules: string): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
    '--ignore-certificate-errors',
    `--host-resolver-rules=${hostRules}`,
  ];
}

/** The extension's service worker once Chromium has installed (or updated) it. */
export async function installedWorker(context: BrowserContext, extensionId: string, timeout = 60_000): Promise<Worker> {
  const origin = `chrome-extension://${extensionId}/`;
  const running = context.serviceWorkers().find((w) => w.url().startsWith(origin));
  return running ?? context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith(origin), timeout });
}

/** Everything the backend was asked for under /extension/ (from its request log). */
export function distributionRequests(backend: Backend): string[] {
  return [...backend.output().matchAll(/"url":"(\/extension\/[^"?]*)/g)].map((m) => m[1]!);
}

export interface ForceInstallLaunch {
  /** Folder for the wrapper, the policy mount and the profile; the same folder is the same machine. */
  dir: string;
  chromiumPath: string;
  policy: object;
  hostRules: string;
  /** More Chromium flags (e.g. `--password-store=basic` for the session vault's stealer test). */
  extraArgs?: string[];
}

export async function launchForceInstalled(options: ForceInstallLaunch): Promise<BrowserContext> {
  mkdirSync(options.dir, { recursive: true });
  return chromium.launchPersistentContext(join(options.dir, 'profile'), {
    executablePath: chromiumWithPolicy(options.dir, options.chromiumPath, options.policy),
    headless: true,
    args: [...forceInstallArgs(options.hostRules), ...(options.extraArgs ?? [])],
    ignoreDefaultArgs: [
      '--disable-extensions',
      '--disable-component-extensions-with-background-pages',
      '--disable-background-networking',
    ],
    ignoreHTTPSErrors: true,
    acceptDownloads: true,
  });
}

const launchedAt = new WeakMap<BrowserContext, number>();

interface DeployFixtures {
  packed: Packed;
  /** The managed policy file as deployed: `policy export` plus DeveloperToolsAvailability. */
  policyFile: Record<string, any>;
  /** Milliseconds from launching Chromium to the force-installed service worker running. */
  installMs: number;
}

export const test = base.extend<DeployFixtures>({
  packed: async ({ backend }, use) => {
    await use(await packIntoBackend(backend));
  },
  policyFile: async ({ backend, packed }, use) => {
    void packed; // export only once the backend serves the package the policy names
    await use({ ...(await backend.exportPolicy()), DeveloperToolsAvailability: 1 });
  },
  context: async ({ chromiumPath, fakeSlack, policyFile }, use, testInfo) => {
    const started = Date.now();
    const context = await launchForceInstalled({
      dir: testInfo.outputPath('chromium'),
      chromiumPath,
      policy: policyFile,
      hostRules: fakeSlack.hostRules,
    });
    launchedAt.set(context, started);
    await use(context);
    await context.close();
  },
  serviceWorker: async ({ context, packed, backend }, use) => {
    const worker = await installedWorker(context, packed.extensionId).catch((error: Error) => {
      throw new Error(
        `${error.message}\nthe backend was asked for: ${distributionRequests(backend).join(', ') || 'nothing under /extension/'}`,
      );
    });
    await use(worker);
  },
  installMs: async ({ context, serviceWorker }, use) => {
    void serviceWorker;
    await use(Date.now() - launchedAt.get(context)!);
  },
});

export const expect = test.expect;
