/**
 * `session-guard webhook add|list|remove`: outgoing webhooks, configured from the shell
 * (the dashboard and POST /api/webhooks do the same). `add` prints the endpoint id and
 * its `whsec_` signing secret, the only time the secret is shown. A running backend picks
 * up a change within a second; every change is audited as `cli:<user>`. An internal target
 * (loopback, private, link-local) needs `--allow-private-webhooks`, here and on `serve`.
 */
import { parseArgs } from 'node:util';
import { createWebhookAs, deleteWebhookAs, webhookViews } from '../admin/webhook-actions';
import { openStore } from '../db/open-store';
import { HttpError } from '../http/http-error';
import { UsageError, type CliIo } from './io';
import { STORE_OPTIONS, storeOptions } from './store-flags';
import { cliActor } from './token-command';

const OPTIONS = {
  url: { type: 'string' },
  event: { type: 'string', multiple: true },
  description: { type: 'string' },
  secret: { type: 'string' },
  'allow-private-webhooks': { type: 'boolean' },
  json: { type: 'boolean' },
  ...STORE_OPTIONS,
} as const;
const SUBCOMMANDS = ['add', 'list', 'remove'];

export async function webhookCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !SUBCOMMANDS.includes(sub)) {
    throw new UsageError(
      sub ? `unknown webhook command "${sub}"` : `webhook needs a subcommand: ${SUBCOMMANDS.join(', ')}`,
    );
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: OPTIONS,
    strict: true,
    allowPositionals: sub === 'remove',
  });
  if (sub === 'add' && !values.url) throw new UsageError('webhook add needs --url');
  if (sub === 'remove' && positionals.length !== 1)
    throw new UsageError('webhook remove needs the webhook id (see webhook list)');
  const store = await openStore(storeOptions(values, io.env));
  try {
    if (sub === 'list') {
      const webhooks = await webhookViews(store.db);
      io.stdout(
        values.json
          ? JSON.stringify({ webhooks }, null, 2)
          : webhooks
              .map((w) => `${w.id}  ${w.enabled ? 'enabled ' : 'disabled'}  ${w.events.join(',')}  ${w.url}`)
              .join('\n') || 'no webhooks',
      );
      return 0;
    }
    try {
      if (sub === 'add') {
        const created = await createWebhookAs(
          store.db,
          Date.now(),
          cliActor(),
          {
            url: values.url,
            description: values.description,
            events: values.event,
            secret: values.secret,
          },
          { allowPrivate: values['allow-private-webhooks'] ?? false },
        );
        io.stdout(values.json ? JSON.stringify(created, null, 2) : `webhook ${created.id}\nsecret ${created.secret}`);
        return 0;
      }
      await deleteWebhookAs(store.db, Date.now(), cliActor(), positionals[0]!);
      io.stdout(`removed ${positionals[0]}`);
      return 0;
    } catch (error) {
      if (error instanceof HttpError) {
        io.stderr(`session-guard webhook ${sub}: ${error.message}`);
        return 1;
      }
      throw error;
    }
  } finally {
    await store.close();
  }
}
