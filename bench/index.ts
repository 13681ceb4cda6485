/**
 * `npm run bench`: runs every benchmark, or those named (`npm run bench -- ingest growth`),
 * prints one table of their figures, keeps each benchmark's last run in bench/results.json
 * and writes BENCHMARKS.md at the repo root from them (method, machine and time of each
 * run, one table), so a named run updates its own rows only. The load run takes minutes
 * and is opt-in: `npm run bench -- --load` adds it; `latency-busy` runs only when named.
 * A benchmark is a module exporting `run(): Promise<BenchResult>` (report.ts); add one by
 * adding an entry below.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { machine, markdown, table, type BenchResult, type StoredRun } from './report';

const BENCHES: Record<string, () => Promise<{ run(): Promise<BenchResult> }>> = {
  'extension-handlers': () => import('./extension-handlers'),
  'extension-bundle': () => import('./extension-bundle'),
  'session-vault': () => import('./session-vault'),
  latency: () => import('./latency'),
  'latency-busy': () => import('./latency-busy'),
  ingest: () => import('./ingest'),
  growth: () => import('./growth'),
  load: () => import('./load'),
  'store-size': () => import('./store-size'),
};
const OPT_IN = new Set(['load', 'latency-busy']);

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
const STORE = 'bench/results.json';
const runs: Record<string, StoredRun> = existsSync(STORE) ? JSON.parse(readFileSync(STORE, 'utf8')) : {};
const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
for (const [name, result] of Object.entries(results)) {
  // A benchmark that failed this time keeps the figures it last measured.
  if (result.figures.length === 0 && runs[name]) continue;
  runs[name] = { result, at: started.toISOString(), command, machine: machine() };
}
writeFileSync(STORE, `${JSON.stringify(runs, null, 2)}\n`);
writeFileSync('BENCHMARKS.md', `${markdown(runs, Object.keys(BENCHES))}\n`);
console.log(`\nwrote ${STORE} and BENCHMARKS.md`);

export {};
