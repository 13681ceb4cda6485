/**
 * Our CRX3 reader against Chromium's own packer (`chromium --pack-extension`): it accepts
 * Chromium's package, verifies its proof, and finds the same extension ID and files our
 * packer produces for the same build and key. Skipped where no Chromium is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCrx3 } from '../../src/server/deploy/crx3';
import { packExtension } from '../../src/server/deploy/extension-package';
import { DEV_EXTENSION_KEY_PATH, loadExtensionKey } from '../../src/server/extension-key';

const CHROMIUM = [
  process.env.SESSION_GUARD_CHROMIUM,
  '/usr/lib/chromium/chromium',
  '/usr/lib/chromium-browser/chromium-browser',
].find((path) => path && existsSync(path));
const hasUnzip = spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'sg-chromium-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function zipListing(zip: Buffer, name: string): string[] {
  writeFileSync(join(dir, name), zip);
  const out = execFileSync('zipinfo', ['-1', join(dir, name)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .sort();
}

describe.skipIf(!CHROMIUM)('CRX3 next to Chromium’s own packer', () => {
  it('reads and verifies a CRX Chromium packed, with the same ID and files as ours', () => {
    const ext = join(dir, 'ext');
    mkdirSync(join(ext, 'icon'), { recursive: true });
    writeFileSync(
      join(ext, 'manifest.json'),
      JSON.stringify({
        manifest_version: 3,
        name: 'Fixture',
        version: '1.0.0',
        background: { service_worker: 'background.js' },
      }),
    );
    writeFileSync(join(ext, 'background.js'), 'self.addEventListener("install", () => undefined);\n'.repeat(50));
    writeFileSync(join(ext, 'icon', '16.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    const key = loadExtensionKey({});

    const run = spawnSync(
      CHROMIUM!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        `--pack-extension=${ext}`,
        `--pack-extension-key=${DEV_EXTENSION_KEY_PATH}`,
      ],
      {
        timeout: 60_000,
      },
    );
    expect(existsSync(`${ext}.crx`), String(run.stderr)).toBe(true);
    const theirs = readCrx3(readFileSync(`${ext}.crx`));
    const ours = readCrx3(packExtension(ext, key.privateKey).crx);

    expect(theirs.extensionId).toBe(key.extensionId);
    expect(ours.extensionId).toBe(theirs.extensionId);
    expect(ours.publicKey).toEqual(theirs.publicKey);
    if (hasUnzip) expect(zipListing(ours.zip, 'ours.zip')).toEqual(zipListing(theirs.zip, 'theirs.zip'));
  });
});
