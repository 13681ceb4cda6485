/**
 * The last good copy of a Tor exit list fetched from a URL, kept in the data dir so a
 * restart without network still starts with a list (issue #11). Written whole to a
 * temporary file and renamed, so a crash never leaves half a list; its modification time
 * is set to the content's own date, so reading it back dates it as the original was.
 * A comment header (which the parser skips) names where it came from.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readSource, type SourceContent } from './exit-list-source';

export const LAST_GOOD_FILE = 'tor-exit-list.last-good.txt';

export const lastGoodPath = (dataDir: string) => join(dataDir, LAST_GOOD_FILE);

export async function saveLastGood(file: string, source: string, text: string, asOf: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const header = `# Session Guard: last good copy of ${source}, as of ${new Date(asOf).toISOString()}\n`;
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, header + text, { mode: 0o644 });
  await utimes(temporary, asOf / 1000, asOf / 1000);
  await rename(temporary, file);
}

/** The saved copy, or null when there is none. */
export async function readLastGood(file: string): Promise<SourceContent | null> {
  return existsSync(file) ? readSource(file) : null;
}
