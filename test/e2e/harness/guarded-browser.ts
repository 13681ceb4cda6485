/**
 * Launching (and relaunching) real Chromium with the built extension under a managed
 * policy, outside the one-context `context` fixture: a browser restart on the same
 * profile, or a second "machine" with another user agent, time zone and languages.
 * Same recipe as fixtures.ts (DESIGN.md, "Testing against reality").
 */
import { chromium, type BrowserContext, type Worker } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumArgs, chromiumWithPolicy } from './chromium';
import { EXTENSION_DIR } from './fixtures';

export interface LaunchOptions {
  /** Folder for the wrapper, the policy mount and the profile (`<dir>/profile`). */
  dir: string;
  chromiumPath: string;
  /** The managed policy file's content (`{ "3rdparty": … }`); null deploys none. */
  policy: object | null;
  hostRules: string;
  /** Extra Chromium flags, e.g. `--lang=fr-FR`, `--user-agent=…`. */
  args?: string[];
  /** Extra environment, e.g. `TZ`. */
  env?: Record<string, string>;
  /**
   * The browser's languages (navigator.languages), e.g. `fr-FR`. Playwright Test sets a
   * locale on every context it launches (en-US unless told), and it reaches extension
   * service workers too, so a test that wants other languages says so here.
   */
  locale?: string;
}

export async function launchGuardedChromium(options: LaunchOptions): Promise<BrowserContext> {
  mkdirSync(options.dir, { recursive: true });
  const executable = chromiumWithPolicy(options.dir, options.chromiumPath, options.policy);
  return chromium.launchPersistentContext(join(options.dir, 'profile'), {
    executablePath: executable,
    headless: true,
    args: [...chromiumArgs(EXTENSION_DIR, options.hostRules), ...(options.args ?? [])],
    ignoreDefaultArgs: ['--disable-extensions', '--disable-component-extensions-with-background-pages'],
    ignoreHTTPSErrors: true,
    acceptDownloads: true,
    locale: options.locale ?? 'en-US',
    env: { ...process.env, ...options.env } as Record<string, string>,
  });
}

/** The extension's service worker, waiting for it to (re)start when none runs. */
export async function extensionWorker(context: BrowserContext, timeout = 15_000): Promise<Worker> {
  const running = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  return running ?? context.waitForEvent('serviceworker', { timeout });
}

/** `policy export` as the fixtures deploy it: the 3rdparty part, optionally overridden. */
export async function managedPolicy(
  backend: { exportPolicy(): Promise<Record<string, any>> },
  override: Record<string, unknown> = {},
): Promise<object> {
  const exported = await backend.exportPolicy();
  const extensions = exported['3rdparty'].extensions as Record<string, Record<string, unknown>>;
  for (const id of Object.keys(extensions)) extensions[id] = { ...extensions[id], ...override };
  return { '3rdparty': exported['3rdparty'] };
}
