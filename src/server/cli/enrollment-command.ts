/**
 * `session-guard enrollment rotate [--grace-hours N]` (issue #10): a new enrollment token
 * in the store, so every replica accepts it at once; the old one keeps working for the
 * grace period (default 24 h), then is refused with `enrollment_token_expired`. Prints
 * what to do next, never the old token; `policy export` prints the new one. Audited as
 * `cli:<user>`.
 */
import { parseArgs } from 'node:util';
import { rotateEnrollmentAs } from '../admin/enrollment-actions';
import { DEFAULT_GRACE_HOURS } from '../auth/enrollment-tokens';
import { openStore } from '../db/open-store';
import { UsageError, type CliIo } from './io';
import { STORE_OPTIONS, storeOptions } from './store-flags';
import { cliActor } from './token-command';

const OPTIONS = { 'grace-hours': { type: 'string' }, ...STORE_OPTIONS } as const;

function graceHours(text: string | undefined): number {
  if (text === undefined) return DEFAULT_GRACE_HOURS;
  const hours = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || hours > 8760)
    throw new UsageError(`--grace-hours must be a number of hours from 0 to 8760, got "${text}"`);
  return hours;
}

export async function enrollmentCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'rotate')
    throw new UsageError(sub ? `unknown enrollment command "${sub}"` : 'enrollment needs a subcommand: rotate');
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false });
  const hours = graceHours(values['grace-hours']);
  const store = await openStore(storeOptions(values, io.env));
  try {
    const { previousExpiresAt } = await rotateEnrollmentAs(store.db, Date.now(), cliActor(), hours);
    io.stdout(
      [
        'A new enrollment token is in force on every replica sharing this store.',
        hours > 0
          ? `The previous token is accepted until ${new Date(previousExpiresAt).toISOString()} (${hours} h), then refused (enrollment_token_expired).`
          : 'The previous token is refused from now on (enrollment_token_expired).',
        'Deploy the new managed policy: session-guard policy export --format <format> --backend-url <url>',
      ].join('\n'),
    );
    return 0;
  } finally {
    await store.close();
  }
}
