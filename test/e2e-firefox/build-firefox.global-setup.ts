/**
 * Builds the Firefox extension (`wxt build -b firefox -m e2e` → .output/firefox-mv2-e2e,
 * leaving the ordinary build in .output/firefox-mv2 alone) before the
 * Firefox end-to-end tests, with the loopback backend as a host permission: that is how
 * an organisation's Firefox build reaches its backend past CORS, since each install has
 * its own moz-extension:// origin (SESSION_GUARD_BACKEND_ORIGIN, docs/firefox.md). Match
 * patterns ignore the port, so any loopback port the tests pick is covered.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildFirefox(): void {
  execFileSync('npx', ['wxt', 'build', '-b', 'firefox', '-m', 'e2e'], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    stdio: 'inherit',
    env: { ...process.env, SESSION_GUARD_BACKEND_ORIGIN: 'http://127.0.0.1' },
  });
}
