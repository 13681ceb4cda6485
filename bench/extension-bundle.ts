/**
 * The background bundle's size: what Chromium loads and parses each time the service
 * worker starts. Reads `.output/chrome-mv3/background.js` after `wxt build` (run it
 * first; this does not build).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const OUTPUT = '.output/chrome-mv3';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export async function run(): Promise<void> {
  const background = join(OUTPUT, 'background.js');
  if (!existsSync(background)) {
    console.log(`${background} not found: run \`npm run build\` first`);
    return;
  }
  const bytes = readFileSync(background);
  console.log(`background.js: ${bytes.length} bytes (${kb(bytes.length)}), gzip ${kb(gzipSync(bytes).length)}`);
  const scripts = join(OUTPUT, 'content-scripts');
  for (const name of existsSync(scripts) ? readdirSync(scripts) : []) {
    console.log(`content-scripts/${name}: ${statSync(join(scripts, name)).size} bytes`);
  }
}
