/** Admin credentials, stored only as SHA-256 hashes of the random secrets handed out. */
import type { Db } from './schema';

/** A token's power (issue #10); anything unknown in the store counts as the weaker `read`. */
export type ApiTokenScope = 'admin' | 'read';
const scopeOf = (stored: string): ApiTokenScope => (stored === 'admin' ? 'admin' : 'read');

export async function insertSession(db: Db, idHash: string, now: number, expiresAt: number): Promise<void> {
  await db.insertInto('admin_sessions').values({ id_hash: idHash, created_at: now, expires_at: expiresAt }).execute();
}

export async function sessionValid(db: Db, idHash: string, now: number): Promise<boolean> {
  const row = await db
    .selectFrom('admin_sessions')
    .select('id_hash')
    .where('id_hash', '=', idHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('admin_sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteExpiredSessions(db: Db, now: number): Promise<void> {
  await db.deleteFrom('admin_sessions').where('expires_at', '<=', now).execute();
}

export async function insertApiToken(
  db: Db,
  id: string,
  tokenHash: string,
  label: string,
  now: number,
  scope: ApiTokenScope = 'admin',
): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({ id, token_hash: tokenHash, label, created_at: now, last_used_at: null, scope })
    .execute();
}

/** A token that is not revoked, by the hash of its secret. */
export async function findApiToken(
  db: Db,
  tokenHash: string,
): Promise<{ id: string; label: string; scope: ApiTokenScope } | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'label', 'scope'])
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row && { ...row, scope: scopeOf(row.scope) };
}

export interface ApiTokenRow {
  id: string;
  label: string;
  scope: ApiTokenScope;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** Every token, newest first; never the hash. */
export async function listApiTokens(db: Db): Promise<ApiTokenRow[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'label', 'scope', 'created_at', 'last_used_at', 'revoked_at'])
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((row) => ({ ...row, scope: scopeOf(row.scope) }));
}

/** Revokes the token with this id (or unique id prefix); returns it, or undefined when none matched. */
export async function revokeApiToken(db: Db, idOrPrefix: string, now: number): Promise<ApiTokenRow | undefined> {
  const matches = (await listApiTokens(db)).filter(
    (t) => t.id === idOrPrefix || (idOrPrefix.length >= 6 && t.id.startsWith(idOrPrefix)),
  );
  const [token] = matches;
  if (matches.length !== 1 || !token) return undefined;
  if (token.revoked_at === null) {
    await db
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('id', '=', token.id)
      .where('revoked_at', 'is', null)
      .execute();
  }
  return { ...token, revoked_at: token.revoked_at ?? now };
}

/** Records a token's use; a use in the same millisecond as the last one writes nothing. */
export async function touchApiToken(db: Db, id: string, now: number): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now)]))
    .execute();
}
