#!/usr/bin/env node
// Finds the Chromium the end-to-end tests drive, or installs one: Debian's `chromium`
// where apt is available (Playwright's browser download is blocked on some networks),
// else Playwright's own. Prints the executable path.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const candidates = [
  process.env.SESSION_GUARD_CHROMIUM,
  '/usr/lib/chromium/chromium',
  '/usr/lib/chromium-browser/chromium-browser',
];
const found = () => candidates.find((p) => p && existsSync(p));
const sh = (cmd) => execSync(cmd, { stdio: ['ignore', 'inherit', 'inherit'] });

export async function ensureBrowser() {
  if (found()) return found();
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = root ? '' : 'sudo -n ';
  if (existsSync('/usr/bin/apt-get')) {
    try {
      console.log('Installing Debian chromium for the end-to-end tests…');
      sh(`${sudo}apt-get update -qq`);
      sh(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`);
    } catch (error) {
      console.warn(`apt-get could not install chromium: ${error.message}`);
    }
    if (found()) return found();
  }
  const { chromium } = await import('@playwright/test');
  if (!existsSync(chromium.executablePath())) sh('npx playwright install chromium');
  if (existsSync(chromium.executablePath())) return chromium.executablePath();
  throw new Error("No Chromium: install Debian's chromium or let `npx playwright install chromium` download one.");
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await ensureBrowser());
