#!/usr/bin/env node
// The `session-guard` command: runs the built backend (dist/server/cli.js, made by
// `npm run build`), plain JavaScript on Node 20. Development runs the TypeScript through
// tsx instead (`npm run dev:backend`, bin/run-ts.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/server/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(built))) {
  console.error('session-guard: the server is not built yet; run `npm run build` (or `npm run build:server`) first.');
  process.exit(1);
}
const { main } = await import(built.href);
process.exitCode = await main(process.argv.slice(2));
