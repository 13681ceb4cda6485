/**
 * Real Chromium with a real managed policy. No flag moves Chromium's policy folder, so a
 * wrapper runs it in a private mount namespace (`unshare -m` as root, `unshare -rm`
 * otherwise) with a per-test folder bind-mounted over /etc/chromium: Chromium reads
 * `policies/managed/*.json` exactly as it would on a managed Linux desktop, and the host's
 * /etc is never touched. (DESIGN.md, "Testing against reality".)
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

const CANDIDATES = [
  process.env.SESSION_GUARD_CHROMIUM,
  '/usr/lib/chromium/chromium', // Debian's real binary (/usr/bin/chromium is a wrapper script)
  '/usr/lib/chromium-browser/chromium-browser',
];

/** Debian's Chromium where present; else Playwright's own download, where it could be made. */
export async function findChromium(): Promise<string> {
  for (const path of CANDIDATES) if (path && existsSync(path)) return path;
  const { chromium } = await import('@playwright/test');
  const bundled = chromium.executablePath();
  if (bundled && existsSync(bundled)) return bundled;
  throw new Error(
    "No Chromium found: run `npm test` (it installs Debian's chromium when it can), install it with `apt-get install chromium`, or set SESSION_GUARD_CHROMIUM.",
  );
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Writes `<dir>/etc-chromium/policies/managed/session-guard.json` and a wrapper script that
 * starts `chromium` with that folder mounted as /etc/chromium. Returns the wrapper's path.
 */
export function chromiumWithPolicy(dir: string, chromium: string, policy: object | null): string {
  const etc = join(dir, 'etc-chromium');
  mkdirSync(join(etc, 'policies', 'managed'), { recursive: true });
  mkdirSync(join(etc, 'policies', 'recommended'), { recursive: true });
  if (existsSync('/etc/chromium')) {
    for (const name of readdirSync('/etc/chromium', { withFileTypes: true })) {
      if (name.isFile()) copyFileSync(join('/etc/chromium', name.name), join(etc, name.name));
    }
  } else if (isRoot()) {
    mkdirSync('/etc/chromium', { recursive: true }); // an empty mount point; nothing is put in it
  }
  if (policy) writeFileSync(join(etc, 'policies', 'managed', 'session-guard.json'), JSON.stringify(policy, null, 2));
  const wrapper = join(dir, 'chromium-with-policy.sh');
  const unshare = isRoot() ? 'unshare -m' : 'unshare -rm';
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec ${unshare} -- /bin/sh -c 'mount --bind "$0" /etc/chromium && bin="$1" && shift && exec "$bin" "$@"' '${etc}' '${chromium}' "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return wrapper;
}

/** Fails early, with the reason, when this machine cannot make mount namespaces. */
export function assertMountNamespaces(): void {
  try {
    execFileSync('/bin/sh', ['-c', `${isRoot() ? 'unshare -m' : 'unshare -rm'} -- true`], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`managed-policy tests need mount namespaces (unshare): ${(error as Error).message}`);
  }
}

/** Flags from DESIGN.md's verified recipe; Playwright adds its own on top. */
export function chromiumArgs(extensionDir: string, hostRules: string): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    '--ignore-certificate-errors',
    `--host-resolver-rules=${hostRules}`,
  ];
}
