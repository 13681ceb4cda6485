#!/usr/bin/env node
// `npm run build:server`: the backend as JavaScript for production (issue #11), so
// `session-guard` runs on plain Node without tsx. One ESM bundle for Node 20,
// dist/server/cli.js, with every package left in node_modules (`packages: 'external'`).
// Runtime files are found next to the bundle as they are next to the sources: the
// dashboard reads `./client/*.js` beside its module (copied here), the development key is
// `../../keys/` from dist/server as from src/server; migrations are imported statically.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const final = join(root, 'dist', 'server');
// Built beside and renamed into place, so a server starting meanwhile (another test run in
// this checkout) sees the old build or the new one, never half of one.
const out = `${final}.building-${process.pid}`;

rmSync(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/server/cli.ts'],
  outfile: join(out, 'cli.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
const clientDir = join(root, 'src', 'dashboard', 'client');
mkdirSync(join(out, 'client'), { recursive: true });
for (const name of readdirSync(clientDir).filter((n) => n.endsWith('.js')))
  cpSync(join(clientDir, name), join(out, 'client', name));
const previous = `${final}.previous-${process.pid}`;
try {
  renameSync(final, previous);
} catch {
  // No earlier build.
}
renameSync(out, final);
rmSync(previous, { recursive: true, force: true });
console.log(`server built: ${join('dist', 'server', 'cli.js')}`);
