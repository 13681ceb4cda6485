/**
 * What every signed-in dashboard page shares: it needs a dashboard session (a GET without
 * one goes to the sign-in page, anything else gets 401), and a state-changing request
 * needs the page's CSRF token from the dashboard's own origin (403 otherwise).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { html, layout } from '../../dashboard/html';
import type { AppContext } from '../app-context';
import { authenticateAdmin, type AdminPrincipal } from '../auth/admin-auth';
import { csrfValid, isUnsafeMethod } from '../auth/csrf';

export type SessionPrincipal = Extract<AdminPrincipal, { kind: 'session' }>;

export const sendPage = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

export function messagePage(title: string, message: string, csrf?: string): string {
  return layout({
    title,
    csrf,
    body: html`<h1>${title}</h1><p>${message}</p><p><a href="/">Back to the overview</a></p>`,
  });
}

export function requireDashboardSession(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onRequest', async (req, reply) => {
    const principal = await authenticateAdmin(ctx.db, req, ctx.now());
    if (principal?.kind === 'session') {
      req.admin = principal;
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') return reply.redirect('/login', 303);
    return sendPage(reply, 401, messagePage('Signed out', 'Your session ended. Sign in again.'));
  });
  app.addHook('preHandler', async (req, reply) => {
    const admin = req.admin as SessionPrincipal;
    if (isUnsafeMethod(req.method) && !csrfValid(req, admin.csrfToken)) {
      return sendPage(
        reply,
        403,
        messagePage(
          'Request refused',
          'This form did not come from this dashboard page (CSRF check). Reload the page and try again.',
          admin.csrfToken,
        ),
      );
    }
  });
}

export const sessionOf = (req: { admin?: AdminPrincipal }) => req.admin as SessionPrincipal;
export const actorOf = (req: { admin?: AdminPrincipal; ip: string }) => ({
  actor: (req.admin as SessionPrincipal).actor,
  ip: req.ip,
});
