/** `session-guard token create`: print a new admin API bearer token (only its hash is kept). */
import { parseArgs } from 'node:util';
import { createApiToken } from '../auth/admin-auth';
import { openStore } from '../db/open-store';
import { UsageError, type CliIo } from './io';
import { STORE_OPTIONS, storeOptions } from './store-flags';

const OPTIONS = { label: { type: 'string' }, ...STORE_OPTIONS } as const;

export async function tokenCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new UsageError(sub ? `unknown token command "${sub}"` : 'token needs a subcommand: create');
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false });
  const label = values.label?.trim() || 'cli';
  const store = await openStore(storeOptions(values, io.env));
  try {
    io.stdout(await createApiToken(store.db, label, Date.now()));
    return 0;
  } finally {
    await store.close();
  }
}
