/**
 * Real Firefox (Debian's firefox-esr) under a real enterprise policy, driven by
 * puppeteer-core over WebDriver BiDi. Firefox reads `policies.json` from its
 * installation's `distribution/` folder; a wrapper runs it in a private mount namespace
 * (`unshare -m` as root, `unshare -rm` otherwise) with a per-test folder bind-mounted over
 * that folder, so Firefox reads the policy exactly as on a managed Linux desktop and the
 * machine's own Firefox folder is never touched (the Chromium harness does the same for
 * /etc/chromium). Firefox has no host-resolver flag: a PAC file sends Slack's hosts to a
 * CONNECT proxy in front of the fake Slack (slack-proxy.ts), and the `Certificates` policy
 * makes the fake's certificate a trusted root.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

const CANDIDATES = [
  process.env.SESSION_GUARD_FIREFOX,
  '/usr/lib/firefox-esr/firefox-esr', // Debian's real binary (/usr/bin/firefox-esr is a shell wrapper)
  '/usr/lib/firefox/firefox',
];

export function findFirefox(): string | undefined {
  return CANDIDATES.find((path) => path && existsSync(path));
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** The installation's `distribution/` folder (Debian links it to /usr/share/firefox-esr/distribution). */
function distributionDir(firefox: string): string {
  const dir = join(realpathSync(firefox), '..', 'distribution');
  return existsSync(dir) ? realpathSync(dir) : dir;
}

/**
 * Writes `<dir>/distribution/policies.json` (plus whatever the real folder holds) and a
 * wrapper that starts Firefox with that folder mounted over the installation's own.
 */
export function firefoxWithPolicy(dir: string, firefox: string, policies: object): string {
  const target = distributionDir(firefox);
  if (!existsSync(target)) throw new Error(`${target} does not exist: nothing to mount the policy over`);
  const ours = join(dir, 'distribution');
  mkdirSync(ours, { recursive: true });
  for (const entry of readdirSync(target)) cpSync(join(target, entry), join(ours, entry), { recursive: true });
  writeFileSync(join(ours, 'policies.json'), JSON.stringify(policies, null, 2));
  const wrapper = join(dir, 'firefox-with-policy.sh');
  const unshare = isRoot() ? 'unshare -m' : 'unshare -rm';
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec ${unshare} -- /bin/sh -c 'mount --bind "$0" "$1" && bin="$2" && shift 2 && exec "$bin" "$@"' '${ours}' '${target}' '${firefox}' "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return wrapper;
}

export interface FirefoxLaunch {
  dir: string;
  firefox: string;
  policies: object;
  /** The PAC file's URL (slack-proxy.ts). */
  pacUrl: string;
  /** Pins the extension's moz-extension:// UUID, so a test can open its pages. */
  uuids: Record<string, string>;
  /** Seconds an idle event page lives (Firefox's default is 30). */
  backgroundIdleSeconds?: number;
}

export async function launchFirefox(options: FirefoxLaunch): Promise<Browser> {
  mkdirSync(join(options.dir, 'profile'), { recursive: true });
  return puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: firefoxWithPolicy(options.dir, options.firefox, options.policies),
    userDataDir: join(options.dir, 'profile'),
    headless: true,
    timeout: 60_000,
    // Lets the test open the extension's own moz-extension:// pages (BiDi refuses them otherwise).
    args: ['-remote-allow-system-access'],
    extraPrefsFirefox: {
      // ESR honours this: the tests install the unsigned build (docs/firefox.md: production signs it).
      'xpinstall.signatures.required': false,
      'extensions.webextensions.uuids': JSON.stringify(options.uuids),
      'extensions.background.idle.timeout': (options.backgroundIdleSeconds ?? 30) * 1000,
      'network.proxy.type': 2,
      'network.proxy.autoconfig_url': options.pacUrl,
      'browser.download.dir': join(options.dir, 'downloads'),
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
    },
  });
}
