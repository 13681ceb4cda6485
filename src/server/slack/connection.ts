/**
 * Connecting Slack (issue #7): a token is tried with `auth.test` before it is kept, kept
 * only sealed (token-vault.ts), and never shown back: the view names the team, the scopes
 * and the last test. `withToken` is the only way the rest of the integration gets the
 * token, for the length of one call.
 */
import type { SlackConnectionView } from '../../shared/protocol/slack';
import { recordAudit } from '../audit/audit-log';
import {
  deleteSlackConnection,
  getSlackConnection,
  recordSlackTest,
  saveSlackConnection,
  type SlackConnectionRow,
} from '../db/slack-connection.repository';
import { resetAccessPosition } from '../db/slack-access-logs.repository';
import { resetAuditPosition } from '../db/slack-audit.repository';
import { HttpError } from '../http/http-error';
import type { Actor, SlackContext } from './context';
import { SecretKeyError } from './secret-key';
import { seal, unseal, VaultError } from './token-vault';
import { callMethod, SlackCallError } from './web-api';

export const REQUIRED_SCOPES = ['admin.users:write', 'auditlogs:read'] as const;

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

function scopesOf(row: SlackConnectionRow | undefined): string[] {
  return row?.scopes
    ? row.scopes
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

export function missingScopes(scopes: readonly string[]): string[] {
  return scopes.length === 0 ? [] : REQUIRED_SCOPES.filter((s) => !scopes.includes(s));
}

function keyMatches(sc: SlackContext, row: SlackConnectionRow): boolean | null {
  try {
    return sc.key().id === row.key_id;
  } catch {
    return null;
  }
}

export async function connectionView(sc: SlackContext): Promise<SlackConnectionView> {
  const row = await getSlackConnection(sc.db);
  const scopes = scopesOf(row);
  return {
    connected: row !== undefined,
    teamId: row?.team_id ?? null,
    team: row?.team ?? null,
    enterpriseId: row?.enterprise_id ?? null,
    userId: row?.user_id ?? null,
    scopes,
    missingScopes: missingScopes(scopes),
    connectedAt: row ? Number(row.connected_at) : null,
    connectedBy: row?.connected_by ?? null,
    keyId: row?.key_id ?? null,
    keyMatches: row ? keyMatches(sc, row) : null,
    lastTest:
      row?.last_test_at != null
        ? { at: Number(row.last_test_at), ok: row.last_test_ok === 1, error: row.last_test_error }
        : null,
  };
}

/** Runs `work` with the token in clear; a missing connection or key is a SlackCallError too. */
export async function withToken<T>(sc: SlackContext, method: string, work: (token: string) => Promise<T>): Promise<T> {
  const row = await getSlackConnection(sc.db);
  if (!row)
    throw new SlackCallError(
      method,
      'not_connected',
      null,
      null,
      'connect Slack first: session-guard slack connect, or PUT /api/slack/connection',
    );
  let token: string;
  try {
    token = unseal(sc.key(), { sealed: row.token_sealed, keyId: row.key_id });
  } catch (error) {
    if (error instanceof VaultError || error instanceof SecretKeyError)
      throw new SlackCallError(
        method,
        error instanceof VaultError ? error.code : 'secret_key_unusable',
        null,
        null,
        error.message,
      );
    throw error;
  }
  return work(token);
}

/** Tries the token, then keeps it sealed. Slack's refusal is a 400 naming Slack's code. */
export async function connectSlack(sc: SlackContext, token: string, by: Actor): Promise<SlackConnectionView> {
  let answer;
  try {
    answer = await callMethod(sc.endpoints, token, 'auth.test');
  } catch (error) {
    if (error instanceof SlackCallError)
      throw new HttpError(400, 'slack_refused', `Slack refused the token: ${error.message}`);
    throw error;
  }
  const { body } = answer;
  const now = sc.now();
  const previous = await getSlackConnection(sc.db);
  const sealed = seal(sc.key(), token);
  const teamId = str(body.team_id);
  await saveSlackConnection(sc.db, {
    token_sealed: sealed.sealed,
    key_id: sealed.keyId,
    team_id: teamId,
    team: str(body.team),
    enterprise_id: str(body.enterprise_id),
    user_id: str(body.user_id),
    scopes: answer.scopes,
    connected_at: now,
    connected_by: by.actor,
    last_test_at: now,
    last_test_ok: 1,
    last_test_error: null,
  });
  // Another org's audit log has nothing to do with the old position.
  if (previous && (previous.team_id !== teamId || previous.enterprise_id !== str(body.enterprise_id))) {
    await resetAuditPosition(sc.db);
    await resetAccessPosition(sc.db);
  }
  const view = await connectionView(sc);
  await recordAudit(sc.db, now, {
    actor: by.actor,
    ip: by.ip,
    action: 'slack.connect',
    target: teamId,
    details: {
      team: view.team,
      enterpriseId: view.enterpriseId,
      scopes: view.scopes,
      missingScopes: view.missingScopes,
    },
  });
  sc.log?.info({ teamId, scopes: view.scopes }, 'slack connected');
  return view;
}

/** `auth.test` with the stored token; the answer is recorded for the dashboard either way. */
export async function testConnection(sc: SlackContext, by?: Actor): Promise<SlackConnectionView> {
  const now = sc.now();
  let error: string | null = null;
  try {
    await withToken(sc, 'auth.test', (token) => callMethod(sc.endpoints, token, 'auth.test'));
  } catch (e) {
    if (!(e instanceof SlackCallError)) throw e;
    if (e.code === 'not_connected') throw new HttpError(404, 'slack_not_connected', 'Slack is not connected');
    error = e.message;
  }
  await recordSlackTest(sc.db, now, error);
  if (by)
    await recordAudit(sc.db, now, {
      actor: by.actor,
      ip: by.ip,
      action: 'slack.test',
      details: { ok: error === null, error },
    });
  return connectionView(sc);
}

export async function disconnectSlack(sc: SlackContext, by: Actor): Promise<boolean> {
  const existed = await deleteSlackConnection(sc.db);
  if (existed) await recordAudit(sc.db, sc.now(), { actor: by.actor, ip: by.ip, action: 'slack.disconnect' });
  return existed;
}
