#!/usr/bin/env node
// Finds the Firefox the Firefox end-to-end tests drive (test/e2e-firefox), or installs
// Debian's `firefox-esr` where apt is available (as root, or with passwordless sudo):
// ESR honours `xpinstall.signatures.required`, so the tests can force-install the unsigned
// build. Prints the executable path, or nothing (and the reason on stderr) when there is none.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const candidates = [
  process.env.SESSION_GUARD_FIREFOX,
  '/usr/lib/firefox-esr/firefox-esr', // Debian's real binary (/usr/bin/firefox-esr is a wrapper script)
  '/usr/lib/firefox/firefox',
];
const found = () => candidates.find((p) => p && existsSync(p));
const sh = (cmd) => execSync(cmd, { stdio: ['ignore', 'inherit', 'inherit'] });

/** @returns {string | null} */
export function ensureFirefox() {
  if (found()) return found();
  if (process.env.SESSION_GUARD_FIREFOX === 'none') return null;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (existsSync('/usr/bin/apt-get')) {
    const sudo = root ? '' : 'sudo -n ';
    try {
      console.log('Installing Debian firefox-esr for the Firefox end-to-end tests…');
      sh(`${sudo}apt-get update -qq`);
      sh(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr`);
    } catch (error) {
      console.warn(`apt-get could not install firefox-esr: ${error.message}`);
    }
  }
  return found() ?? null;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = ensureFirefox();
  if (path) console.log(path);
  else console.error('No Firefox: install firefox-esr or set SESSION_GUARD_FIREFOX.');
}
