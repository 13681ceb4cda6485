/**
 * The dashboard: a sign-in form, a session cookie (HttpOnly, SameSite=Strict), and the
 * verdicts page at /. Server-rendered HTML from src/dashboard/, all text escaped.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { loginPage } from '../../dashboard/login-page';
import { DASHBOARD_CSS } from '../../dashboard/styles';
import { verdictsPage } from '../../dashboard/verdicts-page';
import type { AppContext } from '../app-context';
import { checkAdminPassword } from '../auth/admin-password';
import { authenticateAdmin, createAdminSession } from '../auth/admin-auth';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from '../auth/cookies';
import { createLoginThrottle } from '../auth/login-throttle';
import { sha256Hex } from '../auth/tokens';
import { deleteSession } from '../db/admin.repository';
import { listFindings } from '../db/findings.repository';
import { listVerdictsWithAcks } from '../db/verdicts.repository';
import { toVerdictView } from '../verdicts/verdict-view';

const html = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

const isHttps = (req: FastifyRequest) => req.protocol === 'https';

export const dashboardRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const throttle = createLoginThrottle();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) =>
    done(null, new URLSearchParams(body as string)),
  );

  app.get('/dashboard.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send(DASHBOARD_CSS));

  app.get('/login', async (_req, reply) => html(reply, 200, loginPage()));

  app.post('/login', async (req, reply) => {
    const now = ctx.now();
    if (throttle.blocked(req.ip, now)) return html(reply, 429, loginPage('Too many attempts. Try again later.'));
    const password = req.body instanceof URLSearchParams ? (req.body.get('password') ?? '') : '';
    if (!password || !(await checkAdminPassword(ctx.db, password))) {
      throttle.failed(req.ip, now);
      req.log.warn('dashboard sign-in failed');
      return html(reply, 401, loginPage('Wrong password.'));
    }
    throttle.succeeded(req.ip);
    const session = await createAdminSession(ctx.db, now, ctx.adminSessionTtlMs);
    reply.header('set-cookie', sessionCookie(session, Math.floor(ctx.adminSessionTtlMs / 1000), isHttps(req)));
    return reply.redirect('/', 303);
  });

  app.post('/logout', async (req, reply) => {
    const session = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (session) await deleteSession(ctx.db, sha256Hex(session));
    reply.header('set-cookie', clearedSessionCookie(isHttps(req)));
    return reply.redirect('/login', 303);
  });

  app.get('/', async (req, reply) => {
    const principal = await authenticateAdmin(ctx.db, req, ctx.now());
    if (principal?.kind !== 'session') return reply.redirect('/login', 303);
    const verdicts = (await listVerdictsWithAcks(ctx.db, 200)).map(toVerdictView);
    const findings = await listFindings(ctx.db, 200);
    return html(
      reply,
      200,
      verdictsPage(
        verdicts.map((v) => ({
          reasons: v.reasons,
          deviceId: v.deviceId,
          issuedAt: v.issuedAt,
          latencyMs: v.ack?.latencyMs ?? null,
          ackOutcome: v.ack?.outcome ?? null,
        })),
        findings,
      ),
    );
  });
};
