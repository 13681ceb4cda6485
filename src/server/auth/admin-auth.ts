/**
 * Who may use the admin API and the dashboard: a bearer token created by
 * `session-guard token create` (not revoked), or a dashboard session cookie. Both are
 * random secrets stored only as SHA-256 hashes. A principal names its actor for the audit
 * log and policy history: `token:<label>` or `dashboard:<first 8 hex of the session hash>`.
 * A token carries a scope (issue #10): `admin`, or `read` for a SIEM; a dashboard session
 * is `admin`. A read token asking to change something is refused without a trace in the
 * store (not even its last-used time): see admin-guard.ts.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import {
  deleteExpiredSessions,
  type ApiTokenScope,
  findApiToken,
  insertApiToken,
  insertSession,
  sessionValid,
  touchApiToken,
} from '../db/admin.repository';
import type { Db } from '../db/schema';
import { readSessionCookie } from './cookies';
import { csrfTokenFor, isUnsafeMethod } from './csrf';
import { randomToken, sha256Hex } from './tokens';

export type AdminPrincipal =
  | { kind: 'token'; id: string; label: string; scope: ApiTokenScope; actor: string }
  | { kind: 'session'; sessionHash: string; csrfToken: string; scope: 'admin'; actor: string };

export async function authenticateAdmin(db: Db, req: FastifyRequest, now: number): Promise<AdminPrincipal | null> {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string' && /^Bearer\s+/i.test(authorization)) {
    const token = await findApiToken(db, sha256Hex(authorization.replace(/^Bearer\s+/i, '').trim()));
    if (!token) return null;
    // A request the scope will refuse leaves the store as it was.
    if (token.scope === 'admin' || !isUnsafeMethod(req.method)) await touchApiToken(db, token.id, now);
    return { kind: 'token', id: token.id, label: token.label, scope: token.scope, actor: `token:${token.label}` };
  }
  const session = readSessionCookie(req);
  if (!session) return null;
  const hash = sha256Hex(session);
  if (!(await sessionValid(db, hash, now))) return null;
  return {
    kind: 'session',
    sessionHash: hash,
    csrfToken: csrfTokenFor(session),
    scope: 'admin',
    actor: `dashboard:${hash.slice(0, 8)}`,
  };
}

/** Starts a dashboard session; returns the cookie value (only its hash is stored). */
export async function createAdminSession(db: Db, now: number, ttlMs: number): Promise<string> {
  await deleteExpiredSessions(db, now);
  const value = randomToken(32);
  await insertSession(db, sha256Hex(value), now, now + ttlMs);
  return value;
}

/** A new bearer token; the secret is returned once, only its hash is kept. */
export async function issueApiToken(
  db: Db,
  label: string,
  now: number,
  scope: ApiTokenScope = 'admin',
): Promise<{ id: string; token: string; scope: ApiTokenScope }> {
  const token = `sgt_${randomToken(32)}`;
  const id = randomUUID();
  await insertApiToken(db, id, sha256Hex(token), label, now, scope);
  return { id, token, scope };
}

export async function createApiToken(
  db: Db,
  label: string,
  now: number,
  scope: ApiTokenScope = 'admin',
): Promise<string> {
  return (await issueApiToken(db, label, now, scope)).token;
}
