#!/usr/bin/env node
// The `session-guard` command. The CLI is TypeScript, loaded through tsx so a clone runs
// without a separate compile step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
