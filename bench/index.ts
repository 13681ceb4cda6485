/**
 * `npm run bench`: runs every benchmark, or those named (`npm run bench -- extension-handlers`).
 * A benchmark is a module exporting `run(): Promise<void>` that prints its own lines;
 * add one by adding an entry below.
 */
const BENCHES: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  'extension-handlers': () => import('./extension-handlers'),
  'extension-bundle': () => import('./extension-bundle'),
  'session-vault': () => import('./session-vault'),
  latency: () => import('./latency'),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const [name, load] of Object.entries(BENCHES)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n## ${name}`);
  await (await load()).run();
}

export {};
