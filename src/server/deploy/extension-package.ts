/**
 * Packs a built extension folder (`.output/chrome-mv3`) into a signed CRX3 with the
 * org's key. The packed manifest's `key` is set to that key's public half, so the ID the
 * manifest names and the ID the CRX is signed for are the same one.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { extensionIdFromSpki } from '../extension-key';
import { packCrx3 } from './crx3';
import { createZip, type ZipEntry } from './zip';

export interface ExtensionPackage {
  extensionId: string;
  version: string;
  crx: Buffer;
  /** Hex SHA-256 of the CRX file, as the update manifest's `hash_sha256` gives it. */
  sha256: string;
}

/** Chromium's manifest version: one to four dot-separated integers, 0-65535, no leading zeros. */
const VERSION = /^(0|[1-9]\d{0,4})(\.(0|[1-9]\d{0,4})){0,3}$/;

export function isExtensionVersion(version: unknown): version is string {
  return typeof version === 'string' && VERSION.test(version) && version.split('.').every((n) => Number(n) <= 65535);
}

export function filesUnder(root: string, dir = root): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // Chromium's own packer leaves out hidden files; so do we.
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) names.push(...filesUnder(root, path));
    else if (entry.isFile()) names.push(relative(root, path).split(sep).join('/'));
  }
  return names.sort();
}

export function packExtension(dir: string, privateKey: KeyObject): ExtensionPackage {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath))
    throw new Error(`no manifest.json in ${dir}: build the extension first (npm run build)`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  if (!isExtensionVersion(manifest.version))
    throw new Error(`manifest.json: "${String(manifest.version)}" is not an extension version`);

  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const packedManifest = { ...manifest, key: spki.toString('base64') };
  const entries: ZipEntry[] = filesUnder(dir).map((name) => ({
    name,
    data: name === 'manifest.json' ? Buffer.from(JSON.stringify(packedManifest)) : readFileSync(join(dir, name)),
  }));
  const crx = packCrx3(createZip(entries), privateKey);
  return {
    extensionId: extensionIdFromSpki(spki),
    version: manifest.version,
    crx,
    sha256: createHash('sha256').update(crx).digest('hex'),
  };
}
