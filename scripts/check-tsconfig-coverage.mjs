// Every TypeScript file is type-checked by some tsconfig (issue #11). A file that no
// tsconfig includes is never checked by `npm run check`, so it drifts silently (bench/,
// detector fixtures and test/unit/shared once did). This lists every git-tracked *.ts
// file, asks each tsconfig which files it compiles (tsc --listFilesOnly), and fails
// naming every file that none of them includes.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

export const TSCONFIGS = [
  'tsconfig.json',
  'src/server/tsconfig.json',
  'src/dashboard/client/tsconfig.json',
  'test/tsconfig.json',
  'eval/tsconfig.json',
  'bench/tsconfig.json',
];

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = (file, args) => execFileSync(file, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });

const tracked = run('git', ['ls-files', '-z', '--', '*.ts'])
  .split('\0')
  .filter((f) => f !== '');

const covered = new Set();
for (const config of TSCONFIGS) {
  const listed = run(process.execPath, [tsc, '-p', config, '--listFilesOnly']);
  for (const line of listed.split('\n')) {
    if (line.trim() !== '') covered.add(path.relative(root, path.resolve(root, line.trim())));
  }
}

const missing = tracked.filter((f) => !covered.has(f));
if (missing.length > 0) {
  console.error(`${missing.length} TypeScript file(s) are in no tsconfig (${TSCONFIGS.join(', ')}):`);
  for (const f of missing) console.error(`  ${f}`);
  process.exit(1);
}
console.log(`tsconfig coverage: all ${tracked.length} TypeScript files are type-checked`);
