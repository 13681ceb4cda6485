/**
 * What every signed-in dashboard page shares: the admin guard (admin-guard.ts) taking only
 * the dashboard session, its refusals answered as pages: a GET without a session goes to
 * the sign-in page, anything else gets 401; a state-changing request without the page's
 * CSRF token from the dashboard's own origin gets 403.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { html, layout } from '../../dashboard/html';
import type { AppContext } from '../app-context';
import type { AdminPrincipal } from '../auth/admin-auth';
import { requireAdmin } from '../auth/admin-guard';

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
  requireAdmin(app, ctx, {
    accept: 'session',
    // The admin guard's decision, answered as a page: sign in again, or a refused form.
    refuse: (req, reply, refusal) => {
      if (refusal !== 'csrf_failed') {
        if (req.method === 'GET' || req.method === 'HEAD') return reply.redirect('/login', 303);
        return sendPage(reply, 401, messagePage('Signed out', 'Your session ended. Sign in again.'));
      }
      return sendPage(
        reply,
        403,
        messagePage(
          'Request refused',
          'This form did not come from this dashboard page (CSRF check). Reload the page and try again.',
          (req.admin as SessionPrincipal).csrfToken,
        ),
      );
    },
  });
}

export const sessionOf = (req: { admin?: AdminPrincipal }) => req.admin as SessionPrincipal;
export const actorOf = (req: { admin?: AdminPrincipal; ip: string }) => ({
  actor: (req.admin as SessionPrincipal).actor,
  ip: req.ip,
});
