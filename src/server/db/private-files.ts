/**
 * The data dir holds the SQLite store and, by default, the secret key that seals what is
 * in it (issue #10): the dir is 0700 and the files the backend keeps there 0600, so other
 * accounts on the host can read neither. Applied at every start, which also tightens a
 * data dir made by an older version.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Files the backend keeps in the data dir (SQLite's -wal/-shm/-journal beside its file). */
export const PRIVATE_FILES = [
  'session-guard.sqlite',
  'session-guard.sqlite-wal',
  'session-guard.sqlite-shm',
  'session-guard.sqlite-journal',
  'slack-secret.key',
] as const;

export function privateDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  for (const name of PRIVATE_FILES) privateFile(join(dataDir, name));
}

export function privateFile(path: string): void {
  if (existsSync(path)) chmodSync(path, 0o600);
}
