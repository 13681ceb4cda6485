/**
 * Signing in to the dashboard the way a browser does (the form, the cookie), and reading
 * the CSRF token the page carries, for tests of the admin console (issue #5).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { ensureAdminPassword } from '../../../src/server/auth/admin-password';
import type { Db } from '../../../src/server/db/schema';

export const ADMIN_PASSWORD = 'correct horse battery staple';
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;

export interface AdminSession {
  cookie: string;
  csrf: string;
}

export function csrfOf(page: string): string {
  const match = /<meta name="csrf-token" content="([^"]+)">/.exec(page);
  if (!match) throw new Error('no csrf-token meta on this page');
  return match[1]!;
}

export async function signIn(
  app: FastifyInstance,
  db: Db,
  headers: Record<string, string> = {},
): Promise<AdminSession> {
  await ensureAdminPassword(db, { SESSION_GUARD_ADMIN_PASSWORD: ADMIN_PASSWORD }, Date.now());
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    payload: new URLSearchParams({ password: ADMIN_PASSWORD }).toString(),
    headers: { ...FORM, ...headers },
  });
  if (res.statusCode !== 303) throw new Error(`sign-in failed: ${res.statusCode}`);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  const page = await app.inject({ method: 'GET', url: '/', headers: { cookie, ...headers } });
  return { cookie, csrf: csrfOf(page.body) };
}

export function postForm(
  app: FastifyInstance,
  url: string,
  session: AdminSession | null,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return app.inject({
    method: 'POST',
    url,
    payload: body.toString(),
    headers: { ...FORM, ...(session ? { cookie: session.cookie } : {}), ...headers },
  });
}
