/**
 * `npm run bench`: runs every benchmark, or those named (`npm run bench -- ingest growth`),
 * prints one table of their figures and writes BENCHMARKS.md at the repo root (method,
 * machine, the table) when every default benchmark ran. The load run takes minutes and is
 * opt-in: `npm run bench -- --load` adds it. A benchmark is a module exporting
 * `run(): Promise<BenchResult>` (report.ts); add one by adding an entry below.
 */
import { writeFileSync } from 'node:fs';
import { markdown, table, type BenchResult } from './report';

const BENCHES: Record<string, () => Promise<{ run(): Promise<BenchResult> }>> = {
  'extension-handlers': () => import('./extension-handlers'),
  'extension-bundle': () => import('./extension-bundle'),
  'session-vault': () => import('./session-vault'),
  latency: () => import('./latency'),
  ingest: () => import('./ingest'),
  growth: () => import('./growth'),
  load: () => import('./load'),
};
const OPT_IN = new Set(['load']);

const started = new Date();
const argv = process.argv.slice(2);
const withLoad = argv.includes('--load');
const named = argv.filter((a) => !a.startsWith('--'));
const unknown = named.filter((name) => !(name in BENCHES));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const selected = Object.keys(BENCHES).filter((name) =>
  named.length ? named.includes(name) : !OPT_IN.has(name) || (name === 'load' && withLoad),
);
const results: Record<string, BenchResult> = {};
for (const name of selected) {
  console.log(`\n## ${name}`);
  try {
    results[name] = await (await BENCHES[name]!()).run();
  } catch (error) {
    // One failing benchmark must not lose the others' figures: it is reported in the table's notes.
    console.error(error);
    process.exitCode = 1;
    results[name] = { figures: [], method: `Failed in this run: ${String(error).split('\n')[0]}` };
  }
}
console.log(`\n${table(results)}`);
if (!named.length) {
  writeFileSync('BENCHMARKS.md', `${markdown(results, started, argv)}\n`);
  console.log('\nwrote BENCHMARKS.md');
}

export {};
