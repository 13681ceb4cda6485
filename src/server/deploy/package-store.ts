/**
 * The published extension package, kept in the store (the `kv` table) rather than on one
 * replica's disk, so every replica sharing the database serves the same CRX and update
 * manifest. The CRX is stored under its own hash and the pointer to it written last, so a
 * reader never pairs one version's manifest with another version's bytes.
 */
import { readCrx3 } from './crx3';
import type { ExtensionPackage } from './extension-package';
import type { Db } from '../db/schema';
import { getValue, setValue } from '../db/kv.repository';

const CURRENT_KEY = 'extension_package';
const CRX_PREFIX = 'extension_crx:';

export interface PublishedPackage {
  extensionId: string;
  version: string;
  sha256: string;
  size: number;
  publishedAt: number;
}

export async function publishPackage(db: Db, pkg: ExtensionPackage, now: number): Promise<PublishedPackage> {
  readCrx3(pkg.crx); // never publish a package Chromium would refuse
  const previous = await currentPackage(db);
  const published: PublishedPackage = {
    extensionId: pkg.extensionId,
    version: pkg.version,
    sha256: pkg.sha256,
    size: pkg.crx.length,
    publishedAt: now,
  };
  await setValue(db, `${CRX_PREFIX}${pkg.sha256}`, pkg.crx.toString('base64'), now);
  await setValue(db, CURRENT_KEY, JSON.stringify(published), now);
  // Keep the previous CRX a while for browsers that read the old manifest a moment ago.
  const keep = [pkg.sha256, previous?.sha256].filter(Boolean).map((sha) => `${CRX_PREFIX}${sha}`);
  await db.deleteFrom('kv').where('key', 'like', `${CRX_PREFIX}%`).where('key', 'not in', keep).execute();
  return published;
}

export async function currentPackage(db: Db): Promise<PublishedPackage | undefined> {
  const text = await getValue(db, CURRENT_KEY);
  return text ? (JSON.parse(text) as PublishedPackage) : undefined;
}

export async function packageBytes(db: Db, sha256: string): Promise<Buffer | undefined> {
  const base64 = await getValue(db, `${CRX_PREFIX}${sha256}`);
  return base64 === undefined ? undefined : Buffer.from(base64, 'base64');
}
