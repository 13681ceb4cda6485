/** The flags every store-using command shares: --data-dir and --database-url. */
import { resolve } from 'node:path';
import { DEFAULTS } from '../config';
import type { DatabaseOptions } from '../db/database';

export const STORE_OPTIONS = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
} as const;

export function storeOptions(
  values: { 'data-dir'?: string; 'database-url'?: string },
  env: NodeJS.ProcessEnv,
): DatabaseOptions {
  return {
    dataDir: resolve(values['data-dir'] ?? DEFAULTS.dataDir),
    databaseUrl: values['database-url'] ?? env.SESSION_GUARD_DATABASE_URL,
  };
}
