/**
 * Who may use the admin API and the dashboard: a bearer token created by
 * `session-guard token create` (not revoked), or a dashboard session cookie. Both are
 * random secrets stored only as SHA-256 hashes. A principal names its actor for the audit
 * log and policy history: `token:<label>` or `dashboard:<first 8 hex of the session hash>`.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import {
  deleteExpiredSessions,
  findApiToken,
  insertApiToken,
  insertSession,
  sessionValid,
  touchApiToken,
} from '../db/admin.repository';
import type { Db } from '../db/schema';
import { readSessionCookie } from './cookies';
import { csrfTokenFor } from './csrf';
import { randomToken, sha256Hex } from './tokens';

export type AdminPrincipal =
  | { kind: 'token'; id: string; label: string; actor: string }
  | { kind: 'session'; sessionHash: string; csrfToken: string; actor: string };

export async function authenticateAdmin(db: Db, req: FastifyRequest, now: number): Promise<AdminPrincipal | null> {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string' && /^Bearer\s+/i.test(authorization)) {
    const token = await findApiToken(db, sha256Hex(authorization.replace(/^Bearer\s+/i, '').trim()));
    if (!token) return null;
    await touchApiToken(db, token.id, now);
    return { kind: 'token', id: token.id, label: token.label, actor: `token:${token.label}` };
  }
  const session = readSessionCookie(req);
  if (!session) return null;
  const hash = sha256Hex(session);
  if (!(await sessionValid(db, hash, now))) return null;
  return {
    kind: 'session',
    sessionHash: hash,
    csrfToken: csrfTokenFor(session),
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
export async function issueApiToken(db: Db, label: string, now: number): Promise<{ id: string; token: string }> {
  const token = `sgt_${randomToken(32)}`;
  const id = randomUUID();
  await insertApiToken(db, id, sha256Hex(token), label, now);
  return { id, token };
}

export async function createApiToken(db: Db, label: string, now: number): Promise<string> {
  return (await issueApiToken(db, label, now)).token;
}
