#!/usr/bin/env node
// `npm run dev:backend`: the `session-guard` command straight from its TypeScript sources
// through tsx, for development only; production runs the build (bin/session-guard.mjs).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
