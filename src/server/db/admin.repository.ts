/** Admin credentials, stored only as SHA-256 hashes of the random secrets handed out. */
import type { Db } from './schema';

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

export async function insertApiToken(db: Db, id: string, tokenHash: string, label: string, now: number): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({ id, token_hash: tokenHash, label, created_at: now, last_used_at: null })
    .execute();
}

export async function findApiToken(db: Db, tokenHash: string): Promise<{ id: string; label: string } | undefined> {
  return db.selectFrom('api_tokens').select(['id', 'label']).where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function touchApiToken(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}
