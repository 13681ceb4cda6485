/** API tokens for the admin: list (never the secret), create (shown once), revoke; audited. */
import type { TokenScope, TokenView } from '../../shared/protocol/admin';
import { issueApiToken } from '../auth/admin-auth';
import { recordAudit } from '../audit/audit-log';
import { listApiTokens, revokeApiToken, type ApiTokenRow } from '../db/admin.repository';
import type { Db } from '../db/schema';
import { HttpError } from '../http/http-error';
import type { Actor } from './policy-actions';

export function toTokenView(row: ApiTokenRow): TokenView {
  return {
    id: row.id,
    label: row.label,
    scope: row.scope,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

export async function tokenViews(db: Db): Promise<TokenView[]> {
  return (await listApiTokens(db)).map(toTokenView);
}

export async function createTokenAs(
  db: Db,
  now: number,
  by: Actor,
  label: string,
  scope: TokenScope = 'admin',
): Promise<{ id: string; token: string; scope: TokenScope }> {
  const created = await issueApiToken(db, label, now, scope);
  await recordAudit(db, now, {
    actor: by.actor,
    ip: by.ip,
    action: 'token.create',
    target: created.id,
    details: { label, scope },
  });
  return created;
}

/** Revokes by id (or a unique prefix of at least 6 characters). */
export async function revokeTokenAs(db: Db, now: number, by: Actor, id: string): Promise<TokenView> {
  const token = await revokeApiToken(db, id, now);
  if (!token) throw new HttpError(404, 'unknown_token', 'no token with this id (or the prefix matches several)');
  await recordAudit(db, now, {
    actor: by.actor,
    ip: by.ip,
    action: 'token.revoke',
    target: token.id,
    details: { label: token.label },
  });
  return toTokenView(token);
}
