/**
 * The flags every store-using command shares: --data-dir and --database-url, and the
 * environment, whose SESSION_GUARD_SECRET_KEY unseals the verdict signing keys.
 */
import { resolve } from 'node:path';
import { DEFAULTS } from '../config';
import type { StoreOptions } from '../db/open-store';

export const STORE_OPTIONS = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  'secret-key-file': { type: 'string' },
} as const;

export function storeOptions(
  values: { 'data-dir'?: string; 'database-url'?: string; 'secret-key-file'?: string },
  env: NodeJS.ProcessEnv,
): StoreOptions {
  return {
    env,
    secretKeyFile: values['secret-key-file'],
    dataDir: resolve(values['data-dir'] ?? DEFAULTS.dataDir),
    databaseUrl: values['database-url'] ?? env.SESSION_GUARD_DATABASE_URL,
  };
}
