/**
 * Who may use the admin API and the dashboard: a bearer token created by
 * `session-guard token create`, or a dashboard session cookie. Both are random secrets
 * stored only as SHA-256 hashes.
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
import { readCookie, SESSION_COOKIE } from './cookies';
import { randomToken, sha256Hex } from './tokens';

export type AdminPrincipal = { kind: 'token'; label: string } | { kind: 'session' };

export async function authenticateAdmin(db: Db, req: FastifyRequest, now: number): Promise<AdminPrincipal | null> {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string' && /^Bearer\s+/i.test(authorization)) {
    const token = await findApiToken(db, sha256Hex(authorization.replace(/^Bearer\s+/i, '').trim()));
    if (!token) return null;
    await touchApiToken(db, token.id, now);
    return { kind: 'token', label: token.label };
  }
  const session = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (session && (await sessionValid(db, sha256Hex(session), now))) return { kind: 'session' };
  return null;
}

/** Starts a dashboard session; returns the cookie value (only its hash is stored). */
export async function createAdminSession(db: Db, now: number, ttlMs: number): Promise<string> {
  await deleteExpiredSessions(db, now);
  const value = randomToken(32);
  await insertSession(db, sha256Hex(value), now, now + ttlMs);
  return value;
}

export async function createApiToken(db: Db, label: string, now: number): Promise<string> {
  const token = `sgt_${randomToken(32)}`;
  await insertApiToken(db, randomUUID(), sha256Hex(token), label, now);
  return token;
}
