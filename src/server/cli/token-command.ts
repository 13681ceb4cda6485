/**
 * `session-guard token create|list|revoke`: admin API bearer tokens. `create` prints the
 * new token alone on stdout (only its hash is kept); `--scope read` makes one that can read
 * and export but change nothing (issue #10; default `admin`). `list` shows id, label, scope,
 * created, last used and status, never a secret; `revoke ID` (or a unique prefix) ends one at once.
 * Each change is in the audit log as `cli:<user>`.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { createTokenAs, revokeTokenAs, tokenViews } from '../admin/token-actions';
import { openStore } from '../db/open-store';
import { TOKEN_SCOPES, TokenScope } from '../../shared/protocol/admin';
import { HttpError } from '../http/http-error';
import { UsageError, type CliIo } from './io';
import { STORE_OPTIONS, storeOptions } from './store-flags';

const OPTIONS = {
  label: { type: 'string' },
  scope: { type: 'string' },
  json: { type: 'boolean' },
  ...STORE_OPTIONS,
} as const;
const SUBCOMMANDS = ['create', 'list', 'revoke'];

export function cliActor(): { actor: string; ip: null } {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (some containers); the audit log still says it came from the CLI.
  }
  return { actor: `cli:${name}`, ip: null };
}

const time = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 19).replace('T', ' '));

export async function tokenCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !SUBCOMMANDS.includes(sub)) {
    throw new UsageError(
      sub ? `unknown token command "${sub}"` : `token needs a subcommand: ${SUBCOMMANDS.join(', ')}`,
    );
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: OPTIONS,
    strict: true,
    allowPositionals: sub === 'revoke',
  });
  if (sub === 'revoke' && positionals.length !== 1)
    throw new UsageError('token revoke needs the token id (see token list)');
  const scope = TokenScope.safeParse(values.scope ?? 'admin');
  if (!scope.success) throw new UsageError(`--scope must be ${TOKEN_SCOPES.join(' or ')}, got "${values.scope}"`);
  const store = await openStore(storeOptions(values, io.env));
  try {
    const now = Date.now();
    if (sub === 'create') {
      const { token } = await createTokenAs(store.db, now, cliActor(), values.label?.trim() || 'cli', scope.data);
      io.stdout(token);
      return 0;
    }
    if (sub === 'list') {
      const tokens = await tokenViews(store.db);
      if (values.json) {
        io.stdout(JSON.stringify({ tokens }, null, 2));
        return 0;
      }
      io.stdout(
        [
          'ID                                    LABEL                SCOPE CREATED              LAST USED            STATUS',
        ]
          .concat(
            tokens.map((t) =>
              [
                t.id.padEnd(37),
                t.label.slice(0, 20).padEnd(20),
                t.scope.padEnd(5),
                time(t.createdAt).padEnd(20),
                time(t.lastUsedAt).padEnd(20),
                t.revokedAt ? `revoked ${time(t.revokedAt)}` : 'active',
              ].join(' '),
            ),
          )
          .join('\n'),
      );
      return 0;
    }
    try {
      const token = await revokeTokenAs(store.db, now, cliActor(), positionals[0]!);
      io.stdout(`revoked ${token.id} (${token.label})`);
      return 0;
    } catch (error) {
      if (error instanceof HttpError) {
        io.stderr(`session-guard token revoke: ${error.message}`);
        return 1;
      }
      throw error;
    }
  } finally {
    await store.close();
  }
}
