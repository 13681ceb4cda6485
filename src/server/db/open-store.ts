/**
 * Everything a command needs before it can use the store: open it, migrate it, and make
 * sure the server's secrets exist (the same for `serve`, `policy export`, `token create`).
 */
import { ensureServerSecrets, type ServerSecrets } from '../auth/server-secrets';
import { openDatabase, type DatabaseOptions, type OpenDatabase } from './database';
import { migrateToLatest } from './migrate';

export interface Store extends OpenDatabase {
  secrets: ServerSecrets;
}

export async function openStore(options: DatabaseOptions, now = Date.now()): Promise<Store> {
  const opened = openDatabase(options);
  try {
    await migrateToLatest(opened.db);
    return { ...opened, secrets: await ensureServerSecrets(opened.db, now) };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
