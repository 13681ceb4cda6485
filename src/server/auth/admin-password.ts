/**
 * The dashboard's admin password (DESIGN.md, "Dashboard sign-in"). The first start
 * generates one and prints it once, unless SESSION_GUARD_ADMIN_PASSWORD is set, in which
 * case that one is used (and its hash refreshed when it changed). Only the hash is stored.
 */
import { getValue, putIfAbsent, setValue } from '../db/kv.repository';
import type { Db } from '../db/schema';
import { hashPassword, needsRehash, PasswordBusyError, verifyPassword, type HashPriority } from './password';
import { randomToken } from './tokens';

export const ADMIN_PASSWORD_KEY = 'admin_password_hash';
export const ADMIN_PASSWORD_ENV = 'SESSION_GUARD_ADMIN_PASSWORD';

export type AdminPasswordSource = { source: 'generated'; password: string } | { source: 'env' } | { source: 'stored' };

export async function ensureAdminPassword(db: Db, env: NodeJS.ProcessEnv, now: number): Promise<AdminPasswordSource> {
  const fromEnv = env[ADMIN_PASSWORD_ENV];
  const stored = await getValue(db, ADMIN_PASSWORD_KEY);
  if (fromEnv) {
    if (!stored || needsRehash(stored) || !(await verifyPassword(fromEnv, stored))) {
      await setValue(db, ADMIN_PASSWORD_KEY, await hashPassword(fromEnv), now);
    }
    return { source: 'env' };
  }
  if (stored) return { source: 'stored' };
  const password = randomToken(18);
  const hash = await hashPassword(password);
  // Another replica may have generated one at the same moment; then theirs is the one.
  const winner = await putIfAbsent(db, ADMIN_PASSWORD_KEY, hash, now);
  return winner === hash ? { source: 'generated', password } : { source: 'stored' };
}

/** Checks the password; a good one stored under weaker scrypt parameters is rehashed. */
export async function checkAdminPassword(
  db: Db,
  password: string,
  now = Date.now(),
  priority: HashPriority = 'suspect',
): Promise<boolean> {
  const stored = await getValue(db, ADMIN_PASSWORD_KEY);
  if (!stored || !(await verifyPassword(password, stored, priority))) return false;
  if (needsRehash(stored)) {
    // The password was right: a busy hash queue only postpones the upgrade to the next sign-in.
    const upgraded = await hashPassword(password, 'clean').catch((error: unknown) => {
      if (error instanceof PasswordBusyError) return null;
      throw error;
    });
    if (upgraded) await setValue(db, ADMIN_PASSWORD_KEY, upgraded, now);
  }
  return true;
}
