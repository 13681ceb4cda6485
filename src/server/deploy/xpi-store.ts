/**
 * The published Firefox package, kept in the store (the `kv` table) beside the CRX
 * (package-store.ts) and for the same reason: every replica sharing the database serves
 * the same XPI. Bytes under their hash first, then the pointer, so a reader never sees a
 * pointer to bytes that are not there yet.
 */
import type { Db } from '../db/schema';
import { getValue, setValue } from '../db/kv.repository';
import type { XpiPackage } from './xpi-package';

const CURRENT_KEY = 'firefox_package';
const XPI_PREFIX = 'extension_xpi:';

export interface PublishedXpi {
  geckoId: string;
  version: string;
  sha256: string;
  size: number;
  publishedAt: number;
}

export async function publishXpi(db: Db, pkg: XpiPackage, now: number): Promise<PublishedXpi> {
  const published: PublishedXpi = {
    geckoId: pkg.geckoId,
    version: pkg.version,
    sha256: pkg.sha256,
    size: pkg.xpi.length,
    publishedAt: now,
  };
  await setValue(db, `${XPI_PREFIX}${pkg.sha256}`, pkg.xpi.toString('base64'), now);
  await setValue(db, CURRENT_KEY, JSON.stringify(published), now);
  await db
    .deleteFrom('kv')
    .where('key', 'like', `${XPI_PREFIX}%`)
    .where('key', '!=', `${XPI_PREFIX}${pkg.sha256}`)
    .execute();
  return published;
}

export async function currentXpi(db: Db): Promise<PublishedXpi | undefined> {
  const text = await getValue(db, CURRENT_KEY);
  return text ? (JSON.parse(text) as PublishedXpi) : undefined;
}

export async function xpiBytes(db: Db, sha256: string): Promise<Buffer | undefined> {
  const base64 = await getValue(db, `${XPI_PREFIX}${sha256}`);
  return base64 === undefined ? undefined : Buffer.from(base64, 'base64');
}
