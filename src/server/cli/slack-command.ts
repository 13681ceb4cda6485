/**
 * `session-guard slack connect|status|test|disconnect` (issue #7). `connect` reads the
 * token from a file (`-` for stdin, so it never sits in shell history or `ps`), tries it
 * with `auth.test` and stores it sealed; no command ever prints it. The running backend
 * sees the change at its next call: the connection lives in the store.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SlackConnectRequest } from '../../shared/protocol/slack';
import { ConfigError } from '../config';
import { openStore } from '../db/open-store';
import { HttpError } from '../http/http-error';
import { resolveSlackConfig } from '../slack/config';
import { connectSlack, disconnectSlack, testConnection } from '../slack/connection';
import type { SlackContext } from '../slack/context';
import { lazySecretKey } from '../slack/secret-key';
import { slackStatus } from '../slack/views';
import { identityStatus, identityStatusLine } from '../identity/status';
import { UsageError, type CliIo } from './io';
import { STORE_OPTIONS, storeOptions } from './store-flags';
import { cliActor } from './token-command';

const OPTIONS = {
  'token-file': { type: 'string' },
  json: { type: 'boolean' },
  'slack-api-url': { type: 'string' },
  'slack-audit-url': { type: 'string' },
  ...STORE_OPTIONS,
} as const;
const SUBCOMMANDS = ['connect', 'status', 'test', 'disconnect'];

function readToken(file: string): string {
  const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  const parsed = SlackConnectRequest.safeParse({ token: text.trim() });
  if (!parsed.success) throw new UsageError(`${file === '-' ? 'stdin' : file} does not hold a Slack token (xoxp-…)`);
  return parsed.data.token;
}

const when = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 19).replace('T', ' '));

export async function slackCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !SUBCOMMANDS.includes(sub)) {
    throw new UsageError(
      sub ? `unknown slack command "${sub}"` : `slack needs a subcommand: ${SUBCOMMANDS.join(', ')}`,
    );
  }
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false });
  if (sub === 'connect' && !values['token-file'])
    throw new UsageError('slack connect needs --token-file FILE (or - for stdin)');
  const token = sub === 'connect' ? readToken(values['token-file']!) : null;
  let config;
  try {
    config = resolveSlackConfig(values, io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const options = storeOptions(values, io.env);
  const store = await openStore(options);
  const sc: SlackContext = {
    db: store.db,
    now: Date.now,
    endpoints: config.endpoints,
    key: lazySecretKey({ env: io.env, keyFile: values['secret-key-file'], dataDir: options.dataDir }),
  };
  try {
    if (sub === 'disconnect') {
      io.stdout(
        (await disconnectSlack(sc, cliActor()))
          ? 'Slack disconnected; the token is deleted.'
          : 'Slack was not connected.',
      );
      return 0;
    }
    const view =
      sub === 'connect'
        ? await connectSlack(sc, token!, cliActor())
        : sub === 'test'
          ? await testConnection(sc, cliActor())
          : null;
    const status = await slackStatus(sc);
    const identity = await identityStatus(store.db);
    if (values.json) {
      io.stdout(JSON.stringify({ ...status, identity }, null, 2));
    } else {
      const c = status.connection;
      io.stdout(
        [
          c.connected
            ? `Slack: connected to ${c.team ?? '?'} (${c.teamId ?? '?'}${c.enterpriseId ? `, enterprise ${c.enterpriseId}` : ''}) as ${c.userId ?? '?'}`
            : 'Slack: not connected',
          ...(c.connected
            ? [
                `  scopes: ${c.scopes.join(', ') || '(Slack did not say)'}${c.missingScopes.length ? `; MISSING ${c.missingScopes.join(', ')}` : ''}`,
              ]
            : []),
          ...(c.lastTest
            ? [`  last test: ${when(c.lastTest.at)} ${c.lastTest.ok ? 'ok' : `FAILED: ${c.lastTest.error}`}`]
            : []),
          ...(c.keyMatches === false
            ? ['  the token was sealed with another secret key: give this backend the same key, or connect again']
            : []),
          `  revocations: ${
            Object.entries(status.revocations.counts)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ') || 'none yet'
          }`,
          `  off-device feed: ${status.feed.source} (${status.feed.why})`,
          `  access log: ${status.accessLog.entriesSeen} logins read, last poll ${when(status.accessLog.lastPollAt)}${status.accessLog.lastError ? `, last error: ${status.accessLog.lastError}` : ''}`,
          `  audit log: ${status.auditLog.entriesSeen} entries read, last poll ${when(status.auditLog.lastPollAt)}${status.auditLog.lastError ? `, last error: ${status.auditLog.lastError}` : ''}`,
          identityStatusLine(identity),
          `  devices: ${identity.devices.verified} verified by Slack, ${identity.devices.claimedOnly} with a user only claimed`,
        ].join('\n'),
      );
    }
    return view && view.lastTest && !view.lastTest.ok ? 1 : 0;
  } catch (error) {
    if (error instanceof HttpError) {
      io.stderr(`session-guard slack ${sub}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
}
