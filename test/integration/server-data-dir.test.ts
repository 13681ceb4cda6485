/**
 * The data dir is 0700 and the files the backend keeps there 0600 (issue #10): the SQLite
 * store, its -wal and -shm, and the generated secret key. Another account on the host
 * can read none of them, on a fresh start and after an older version left them looser.
 */
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_FILE_NAME } from '../../src/server/db/database';
import { openStore, type Store } from '../../src/server/db/open-store';
import { GENERATED_KEY_FILE } from '../../src/server/slack/secret-key';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const FILES = [SQLITE_FILE_NAME, `${SQLITE_FILE_NAME}-wal`, `${SQLITE_FILE_NAME}-shm`, GENERATED_KEY_FILE];

let root: string;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  await rm(root, { recursive: true, force: true });
});

describe('data dir permissions', () => {
  it('makes a fresh data dir 0700 and the store, its WAL files and the secret key 0600', async () => {
    root = await mkdtemp(join(tmpdir(), 'sg-mode-'));
    const dataDir = join(root, 'data');
    const previous = process.umask(0o022); // the usual umask, which would give 0755 and 0644

    try {
      store = await openStore({ dataDir, env: {} });
      await store.db.insertInto('kv').values({ key: 'probe', value: 'x', updated_at: 1 }).execute();
    } finally {
      process.umask(previous);
    }

    expect(mode(dataDir)).toBe('700');
    for (const file of FILES) expect([file, mode(join(dataDir, file))]).toEqual([file, '600']);
  });

  it('tightens a data dir an older version left readable by others', async () => {
    root = await mkdtemp(join(tmpdir(), 'sg-mode-'));
    const dataDir = join(root, 'data');
    await (await openStore({ dataDir, env: {} })).close();
    mkdirSync(dataDir, { recursive: true });
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, SQLITE_FILE_NAME), 0o644);
    chmodSync(join(dataDir, GENERATED_KEY_FILE), 0o644);
    writeFileSync(join(dataDir, `${SQLITE_FILE_NAME}-shm`), '', { mode: 0o644 });

    store = await openStore({ dataDir, env: {} });

    expect(mode(dataDir)).toBe('700');
    expect(mode(join(dataDir, SQLITE_FILE_NAME))).toBe('600');
    expect(mode(join(dataDir, GENERATED_KEY_FILE))).toBe('600');
    expect(mode(join(dataDir, `${SQLITE_FILE_NAME}-shm`))).toBe('600');
  });
});
