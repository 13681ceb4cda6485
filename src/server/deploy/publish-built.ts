/**
 * `serve` publishes the built extension when the store holds no package (issue #11), so
 * `npm start` plus `policy export` is all a force-install needs. It packs the WXT build
 * (`.output/chrome-mv3` by default) with the configured key, exactly as `extension pack`
 * does, and never replaces a package already published (an admin's `extension pack`, or
 * another replica's): publishing a new version stays a deliberate act.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/schema';
import type { ExtensionKey } from '../extension-key';
import { packExtension } from './extension-package';
import { currentPackage, publishPackage, type PublishedPackage } from './package-store';

export type AutoPublish =
  | { state: 'published' | 'already-published'; pkg: PublishedPackage }
  | { state: 'not-built'; dir: string }
  | { state: 'failed'; dir: string; error: string };

export async function publishBuiltExtension(db: Db, dir: string, key: ExtensionKey, now: number): Promise<AutoPublish> {
  const existing = await currentPackage(db);
  if (existing) return { state: 'already-published', pkg: existing };
  if (!existsSync(join(dir, 'manifest.json'))) return { state: 'not-built', dir };
  try {
    return { state: 'published', pkg: await publishPackage(db, packExtension(dir, key.privateKey), now) };
  } catch (error) {
    return { state: 'failed', dir, error: (error as Error).message };
  }
}

/** The banner's line about the package browsers install from /extension/updates.xml. */
export function describeAutoPublish(result: AutoPublish): string {
  switch (result.state) {
    case 'published':
      return `Extension package: published version ${result.pkg.version} (ID ${result.pkg.extensionId}) from the build; browsers install it from /extension/updates.xml`;
    case 'already-published':
      return `Extension package: version ${result.pkg.version} (ID ${result.pkg.extensionId}) published ${new Date(result.pkg.publishedAt).toISOString()}`;
    case 'not-built':
      return `Extension package: none published and no build in ${result.dir}; run \`npm run build\` and start again, or \`npx session-guard extension pack\``;
    case 'failed':
      return `Extension package: none published; packing ${result.dir} failed: ${result.error}`;
  }
}
