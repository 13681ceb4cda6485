/**
 * The background bundle's size: what Chromium loads and parses each time the service
 * worker starts. Reads `.output/chrome-mv3/background.js` after `wxt build` (run it
 * first; this does not build).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchResult, Figure } from './report';

const OUTPUT = '.output/chrome-mv3';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const METHOD = 'Sizes of `.output/chrome-mv3` after `wxt build`; the ratio is gzip size to raw size.';

export async function run(): Promise<BenchResult> {
  const background = join(OUTPUT, 'background.js');
  if (!existsSync(background)) {
    console.log(`${background} not found: run \`npm run build\` first`);
    return { figures: [], method: METHOD, notes: [`${background} was not built: run \`npx wxt build\` first`] };
  }
  const bytes = readFileSync(background);
  const gzip = gzipSync(bytes).length;
  console.log(`background.js: ${bytes.length} bytes (${kb(bytes.length)}), gzip ${kb(gzip)}`);
  const figures: Figure[] = [
    {
      name: 'background.js (gzip / raw)',
      ratio: gzip / bytes.length,
      context: `${kb(bytes.length)}, gzip ${kb(gzip)}`,
    },
  ];
  const scripts = join(OUTPUT, 'content-scripts');
  for (const name of existsSync(scripts) ? readdirSync(scripts) : []) {
    const size = statSync(join(scripts, name)).size;
    console.log(`content-scripts/${name}: ${size} bytes`);
    figures.push({ name: `content-scripts/${name}`, ratio: null, context: kb(size) });
  }
  return { figures, method: METHOD };
}
