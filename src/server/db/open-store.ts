/**
 * Everything a command needs before it can use the store: open it, migrate it, and make
 * sure the server's secrets exist (the same for `serve`, `policy export`, `token create`).
 * The secret key that seals the verdict signing keys comes from SESSION_GUARD_SECRET_KEY,
 * else `--secret-key-file`, else `<data-dir>/slack-secret.key` (src/server/slack/secret-key.ts).
 */
import { ensureServerSecrets, type ServerSecrets } from '../auth/server-secrets';
import { loadSecretKey, type SecretKey } from '../slack/secret-key';
import { openDatabase, type DatabaseOptions, type OpenDatabase } from './database';
import { migrateToLatest } from './migrate';

export interface Store extends OpenDatabase {
  secrets: ServerSecrets;
  /** The key the verdict signing keys are sealed with (for `verdict-key rotate`). */
  secretKey: SecretKey;
}

export interface StoreOptions extends DatabaseOptions {
  /** Where SESSION_GUARD_SECRET_KEY(_FILE) are read; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** `--secret-key-file`. */
  secretKeyFile?: string;
}

export async function openStore(options: StoreOptions, now = Date.now()): Promise<Store> {
  const secretKey = loadSecretKey({
    env: options.env ?? process.env,
    keyFile: options.secretKeyFile,
    dataDir: options.dataDir,
  });
  const opened = openDatabase(options);
  try {
    await migrateToLatest(opened.db);
    const secrets = await ensureServerSecrets(opened.db, now, { secretKey, dialect: opened.dialect });
    return { ...opened, secrets, secretKey };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
