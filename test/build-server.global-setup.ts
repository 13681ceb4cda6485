/**
 * Builds the server (dist/server/cli.js) once before the tests, so tests that start the
 * real command (bin/session-guard.mjs) run what production runs, built from the sources
 * under test rather than a stale build (issue #11).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildServer(): void {
  const script = fileURLToPath(new URL('../scripts/build-server.mjs', import.meta.url));
  execFileSync(process.execPath, [script], { stdio: 'inherit' });
}
