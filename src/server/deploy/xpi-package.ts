/**
 * The Firefox package (issue 15): an XPI is the zip of the Firefox build
 * (`.output/firefox-mv2`), named by its gecko id. The backend serves it at the
 * `install_url` the Firefox policy names, as it serves the CRX for Chromium. Firefox
 * installs it only if Mozilla signed it (unlisted signing, docs/firefox.md) or, on ESR and
 * Developer Edition, where `xpinstall.signatures.required` is off; an already signed XPI
 * (`--xpi FILE`) is published byte for byte.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { filesUnder, isExtensionVersion } from './extension-package';
import { createZip } from './zip';

export interface XpiPackage {
  geckoId: string;
  version: string;
  xpi: Buffer;
  sha256: string;
}

function describe(manifest: Record<string, any>, where: string): { geckoId: string; version: string } {
  const geckoId = manifest.browser_specific_settings?.gecko?.id ?? manifest.applications?.gecko?.id;
  if (typeof geckoId !== 'string' || !geckoId)
    throw new Error(`${where}: no browser_specific_settings.gecko.id; is this a Firefox build (wxt build -b firefox)?`);
  if (!isExtensionVersion(manifest.version))
    throw new Error(`${where}: "${String(manifest.version)}" is not an extension version`);
  return { geckoId, version: manifest.version };
}

const done = (xpi: Buffer, about: { geckoId: string; version: string }): XpiPackage => ({
  ...about,
  xpi,
  sha256: createHash('sha256').update(xpi).digest('hex'),
});

/** Zips a Firefox build folder into an (unsigned) XPI. */
export function packXpi(dir: string): XpiPackage {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath))
    throw new Error(`no manifest.json in ${dir}: build the Firefox extension first (npx wxt build -b firefox)`);
  const about = describe(JSON.parse(readFileSync(manifestPath, 'utf8')), manifestPath);
  const xpi = createZip(filesUnder(dir).map((name) => ({ name, data: readFileSync(join(dir, name)) })));
  return done(xpi, about);
}

/** Reads an XPI someone already built (and had Mozilla sign): its manifest names it. */
export function readXpi(xpi: Buffer, where: string): XpiPackage {
  return done(xpi, describe(JSON.parse(zipEntry(xpi, 'manifest.json', where).toString('utf8')), where));
}

/** One entry of a zip, found through its central directory (stored or deflated). */
function zipEntry(zip: Buffer, name: string, where: string): Buffer {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error(`${where}: not a zip file`);
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    if (zip.readUInt32LE(at) !== 0x02014b50) break;
    const nameLength = zip.readUInt16LE(at + 28);
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (entryName === name) {
      const local = zip.readUInt32LE(at + 42);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const body = zip.subarray(start, start + zip.readUInt32LE(at + 20));
      return zip.readUInt16LE(at + 10) === 8 ? inflateRawSync(body) : Buffer.from(body);
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  throw new Error(`${where}: no ${name} in the package`);
}
