/**
 * Ending a dashboard session: sign-out deletes the session (audited), and a browser that
 * still sends a cookie the server no longer honours has that stale session deleted too, in
 * case it is still stored. The session cookie never reaches the store, only its SHA-256.
 */
import type { AppContext } from '../app-context';
import { recordAudit } from '../audit/audit-log';
import { sha256Hex } from '../auth/tokens';
import { deleteSession } from '../db/admin.repository';
import type { Actor } from './policy-actions';

export async function signOutAs(ctx: AppContext, by: Actor, sessionHash: string): Promise<void> {
  await deleteSession(ctx.db, sessionHash);
  await recordAudit(ctx.db, ctx.now(), { actor: by.actor, ip: by.ip, action: 'auth.sign_out' });
}

export async function discardStaleSession(ctx: AppContext, cookie: string): Promise<void> {
  await deleteSession(ctx.db, sha256Hex(cookie));
}
