/**
 * The admin API under /api, for the dashboard, SIEMs and scripts. Every route needs a
 * bearer token or a dashboard session (401 otherwise); a state-changing request made with
 * the session cookie also needs the CSRF token and a same-origin browser (403 otherwise),
 * and one made with a `read` token is refused (403 `insufficient_scope`, scope-guard.ts).
 * Routes are declared in admin-*.ts with their zod schemas (see admin-route.ts); this
 * plugin registers them, and openapi.ts documents the same list.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context';
import { authenticateAdmin, type AdminPrincipal } from '../auth/admin-auth';
import { csrfValid, isUnsafeMethod } from '../auth/csrf';
import { requireScopeFor } from '../auth/scope-guard';
import { HttpError } from '../http/http-error';
import { enrollmentRoutes } from './admin-enrollment';
import { endStreamsOnClose, eventRoutes } from './admin-events';
import { exportRoutes } from './admin-exports';
import { policyRoutes } from './admin-policy';
import { recordRoutes } from './admin-records';
import { parseBody, parseQuery, type AdminRoute } from './admin-route';
import { tokenRoutes, webhookRoutes } from './admin-tokens';
import { slackRoutes } from './slack-connection';
import { ssfAdminRoutes } from './admin-ssf';

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminPrincipal;
  }
}

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  ...recordRoutes,
  ...policyRoutes,
  ...tokenRoutes,
  ...webhookRoutes,
  ...exportRoutes,
  ...eventRoutes,
  ...slackRoutes,
  ...enrollmentRoutes,
  ...ssfAdminRoutes,
];

export const adminApiRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', async (req) => {
    const principal = await authenticateAdmin(ctx.db, req, ctx.now());
    if (!principal)
      throw new HttpError(401, 'unauthorized', 'send Authorization: Bearer <token> or sign in to the dashboard');
    requireScopeFor(req.method, principal);
    req.admin = principal;
  });
  app.addHook('preHandler', async (req) => {
    const admin = req.admin!;
    if (admin.kind === 'session' && isUnsafeMethod(req.method) && !csrfValid(req, admin.csrfToken)) {
      throw new HttpError(403, 'csrf_failed', "send the page's x-csrf-token header from the dashboard's own origin");
    }
  });
  endStreamsOnClose(app, ctx);

  for (const route of ADMIN_ROUTES) {
    app.route({
      method: route.method,
      url: route.path,
      ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
      handler: async (req, reply) =>
        route.handler({
          ctx,
          req,
          reply,
          query: route.query ? parseQuery(route.query, req.query) : undefined,
          body: route.body ? parseBody(route.body, req.body) : undefined,
          params: (req.params ?? {}) as Record<string, string>,
          admin: req.admin!,
        }),
    });
  }
};
