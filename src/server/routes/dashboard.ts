/**
 * The dashboard: sign-in (throttled per address block with a global slowdown,
 * login-throttle.ts; memory-hard hash; audited), a session
 * cookie (HttpOnly, SameSite=Strict; Secure and `__Host-` over https), sign-out, its
 * static files, and the signed-in pages (dashboard-pages.ts, dashboard-forms.ts).
 * Server-rendered HTML from src/dashboard/, all text escaped.
 */
import type { FastifyPluginAsync } from 'fastify';
import { ASSETS, STYLESHEET } from '../../dashboard/assets';
import { loginPage } from '../../dashboard/login-page';
import { discardStaleSession, signOutAs } from '../admin/session-actions';
import type { AppContext } from '../app-context';
import { recordAudit } from '../audit/audit-log';
import { authenticateAdmin, createAdminSession } from '../auth/admin-auth';
import { checkAdminPassword } from '../auth/admin-password';
import { clearedSessionCookie, isSecureRequest, readSessionCookie, sessionCookie } from '../auth/cookies';
import { csrfValid, sameOriginRequest } from '../auth/csrf';
import { createLoginThrottle } from '../auth/login-throttle';
import { PasswordBusyError } from '../auth/password';
import { sha256Hex } from '../auth/tokens';
import { dashboardEnrollmentRoutes } from './dashboard-enrollment';
import { dashboardFormRoutes } from './dashboard-forms';
import { dashboardNoticeRoutes } from './dashboard-notices';
import { dashboardSsfRoutes } from './dashboard-ssf';
import { dashboardRetentionRoutes } from './dashboard-retention';
import { dashboardPageRoutes } from './dashboard-pages';
import { documentDashboard } from './dashboard-schemas';
import { messagePage, sendPage } from './dashboard-session';

export const dashboardRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  documentDashboard(app);
  const throttle = createLoginThrottle();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 96 * 1024 },
    (_req, body, done) => done(null, new URLSearchParams(body as string)),
  );

  app.get('/dashboard.css', async (_req, reply) =>
    reply.type(STYLESHEET.type).header('cache-control', 'no-cache').send(STYLESHEET.body),
  );
  app.get<{ Params: { name: string } }>('/assets/:name', async (req, reply) => {
    const asset = ASSETS.get(req.params.name);
    if (!asset) return reply.code(404).type('text/plain').send('not found');
    return reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body);
  });

  app.get('/login', async (req, reply) => {
    const principal = await authenticateAdmin(ctx.db, req, ctx.now());
    if (principal?.kind === 'session') return reply.redirect('/', 303);
    return sendPage(reply, 200, loginPage());
  });

  app.post('/login', async (req, reply) => {
    const now = ctx.now();
    // Login CSRF: a form posted from another site must not sign this browser in.
    if (!sameOriginRequest(req)) return sendPage(reply, 403, loginPage('This sign-in did not come from this page.'));
    const admission = throttle.admit(req.ip, now);
    if (!admission.admitted) {
      ctx.metrics.inc('sg_admin_sign_ins_total', 'Dashboard sign-in attempts, by result', { result: admission.reason });
      return sendPage(
        reply.header('retry-after', String(admission.retryAfterSeconds)),
        429,
        loginPage('Too many attempts. Try again later.'),
      );
    }
    const password = req.body instanceof URLSearchParams ? (req.body.get('password') ?? '') : '';
    let ok = false;
    try {
      ok =
        password.length > 0 &&
        password.length <= 1024 &&
        (await checkAdminPassword(ctx.db, password, now, admission.priority));
    } catch (error) {
      if (!(error instanceof PasswordBusyError)) throw error;
      // A full hash queue counts against the block that found it full (issue #10).
      throttle.failed(req.ip, now);
      ctx.metrics.inc('sg_admin_sign_ins_total', 'Dashboard sign-in attempts, by result', { result: 'busy' });
      return sendPage(
        reply.header('retry-after', '5'),
        429,
        loginPage('The server is busy. Try again in a few seconds.'),
      );
    } finally {
      admission.done();
    }
    if (!ok) {
      throttle.failed(req.ip, now);
      ctx.metrics.inc('sg_admin_sign_ins_total', 'Dashboard sign-in attempts, by result', { result: 'failed' });
      await recordAudit(ctx.db, now, { actor: 'anonymous', ip: req.ip, action: 'auth.sign_in_failed' });
      req.log.warn('dashboard sign-in failed');
      return sendPage(reply, 401, loginPage('Wrong password.'));
    }
    throttle.succeeded(req.ip);
    const session = await createAdminSession(ctx.db, now, ctx.adminSessionTtlMs);
    ctx.metrics.inc('sg_admin_sign_ins_total', 'Dashboard sign-in attempts, by result', { result: 'ok' });
    await recordAudit(ctx.db, now, {
      actor: `dashboard:${sha256Hex(session).slice(0, 8)}`,
      ip: req.ip,
      action: 'auth.sign_in',
    });
    reply.header('set-cookie', sessionCookie(session, Math.floor(ctx.adminSessionTtlMs / 1000), isSecureRequest(req)));
    return reply.redirect('/', 303);
  });

  app.post('/logout', async (req, reply) => {
    const principal = await authenticateAdmin(ctx.db, req, ctx.now());
    if (principal?.kind === 'session') {
      if (!csrfValid(req, principal.csrfToken)) {
        return sendPage(
          reply,
          403,
          messagePage(
            'Request refused',
            'This sign-out did not come from this dashboard (CSRF check).',
            principal.csrfToken,
          ),
        );
      }
      await signOutAs(ctx, { actor: principal.actor, ip: req.ip }, principal.sessionHash);
    } else {
      const stale = readSessionCookie(req);
      if (stale) await discardStaleSession(ctx, stale);
    }
    reply.header('set-cookie', clearedSessionCookie(isSecureRequest(req)));
    return reply.redirect('/login', 303);
  });

  await app.register(dashboardPageRoutes, { ctx });
  await app.register(dashboardFormRoutes, { ctx });
  await app.register(dashboardSsfRoutes, { ctx });
  await app.register(dashboardRetentionRoutes, { ctx });
  await app.register(dashboardEnrollmentRoutes, { ctx });
  await app.register(dashboardNoticeRoutes, { ctx });
};
