/**
 * `session-guard ssf add|list|remove` (issue #12): Shared Signals receivers, like webhooks.
 * `add` reads the receiver's bearer token from a file (`-` for stdin, so it never sits in
 * shell history or `ps`) and stores it sealed under the secret key; no command prints it,
 * `list` shows its last four characters. A running backend sees the change at its next tick.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openStore } from '../db/open-store';
import { HttpError } from '../http/http-error';
import { lazySecretKey } from '../slack/secret-key';
import { addReceiverAs, receiverViews, removeReceiverAs } from '../ssf/receivers';
import { UsageError, type CliIo } from './io';
import { STORE_OPTIONS, storeOptions } from './store-flags';
import { cliActor } from './token-command';

const OPTIONS = {
  url: { type: 'string' },
  'token-file': { type: 'string' },
  audience: { type: 'string' },
  json: { type: 'boolean' },
  'allow-private-webhooks': { type: 'boolean' },
  ...STORE_OPTIONS,
} as const;
const SUBCOMMANDS = ['add', 'list', 'remove'];

export async function ssfCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !SUBCOMMANDS.includes(sub))
    throw new UsageError(sub ? `unknown ssf command "${sub}"` : `ssf needs a subcommand: ${SUBCOMMANDS.join(', ')}`);
  const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: true });
  if (sub === 'add' && !values.url)
    throw new UsageError('ssf add needs --url URL (and --token-file FILE if it wants a bearer token)');
  if (sub === 'remove' && positionals.length !== 1) throw new UsageError('ssf remove needs the receiver id');
  const file = values['token-file'];
  const token = file ? (file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8')).trim() : undefined;
  const options = storeOptions(values, io.env);
  const store = await openStore(options);
  try {
    if (sub === 'add') {
      const key = lazySecretKey({ env: io.env, keyFile: values['secret-key-file'], dataDir: options.dataDir });
      const input = {
        url: values.url,
        ...(token !== undefined ? { token } : {}),
        ...(values.audience ? { audience: values.audience } : {}),
      };
      const view = await addReceiverAs(store.db, key(), Date.now(), cliActor(), input, {
        allowPrivate: values['allow-private-webhooks'] ?? false,
      });
      io.stdout(values.json ? JSON.stringify(view, null, 2) : `ssf receiver ${view.id}\naudience ${view.audience}`);
    } else if (sub === 'remove') {
      await removeReceiverAs(store.db, Date.now(), cliActor(), positionals[0]!);
      io.stdout(`ssf receiver ${positionals[0]} removed`);
    } else {
      const receivers = await receiverViews(store.db);
      io.stdout(
        values.json
          ? JSON.stringify(receivers, null, 2)
          : receivers.length === 0
            ? 'no SSF receivers'
            : receivers
                .map((r) => `${r.id}  ${r.url}  aud=${r.audience}  token=${r.tokenHint}  last=${r.lastStatus ?? '-'}`)
                .join('\n'),
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof HttpError) {
      io.stderr(`session-guard ssf ${sub}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
}
