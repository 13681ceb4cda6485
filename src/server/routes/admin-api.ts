/**
 * The admin API under /api, for the dashboard, SIEMs and scripts. One guard (admin-guard.ts)
 * decides who may call: a bearer token or a dashboard session (401 `unauthorized`), a
 * `read` token only reads (403 `insufficient_scope`), a state-changing request made with
 * the session cookie needs the CSRF token from a same-origin browser (403 `csrf_failed`).
 * Routes are declared in admin-*.ts with their zod schemas (see admin-route.ts); this
 * plugin registers them with those schemas, which validate the request and describe the
 * route in /openapi.json.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context';
import { requireAdmin } from '../auth/admin-guard';
import { content, errors, pathParams, SECURITY, validateExcept } from '../http/route-schemas';
import { enrollmentRoutes } from './admin-enrollment';
import { endStreamsOnClose, eventRoutes } from './admin-events';
import { exportRoutes } from './admin-exports';
import { policyRoutes } from './admin-policy';
import { recordRoutes } from './admin-records';
import { retentionRoutes } from './admin-retention';
import { answerRoutes } from './admin-answers';
import { withoutEmpty, type AdminRoute } from './admin-route';
import { tokenRoutes, webhookRoutes } from './admin-tokens';
import { slackRoutes } from './slack-connection';
import { ssfAdminRoutes } from './admin-ssf';
import { torExitListRoutes, torListGauges } from './tor-exit-list';
import { asnDataGauges, asnDataRoutes } from './asn-data';

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  ...recordRoutes,
  ...answerRoutes,
  ...policyRoutes,
  ...tokenRoutes,
  ...webhookRoutes,
  ...exportRoutes,
  ...eventRoutes,
  ...slackRoutes,
  ...enrollmentRoutes,
  ...ssfAdminRoutes,
  ...torExitListRoutes,
  ...asnDataRoutes,
  ...retentionRoutes,
];

function schemaOf(route: AdminRoute) {
  const ok = route.produces
    ? content(route.produces, 'OK')
    : (route.response?.describe(route.response.description ?? 'OK') ?? content('application/json', 'OK'));
  const params = pathParams(route.path);
  const body = route.body ?? route.bodyDoc;
  return {
    summary: route.summary,
    tags: ['admin'],
    security: SECURITY.admin,
    ...(params ? { params } : {}),
    ...(route.query ? { querystring: route.query } : {}),
    ...(body ? { body } : {}),
    response: { 200: ok, ...errors(400, 401, 403, ...(params ? [404] : [])) },
  };
}

export const adminApiRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireAdmin(app, ctx);
  torListGauges(ctx);
  asnDataGauges(ctx);
  // An HTML form sends empty fields for unset filters (they mean "no filter"), and a POST
  // without a body means the defaults: both as the schemas expect them.
  app.addHook('preValidation', async (req) => {
    if (req.query && typeof req.query === 'object') req.query = withoutEmpty(req.query);
    if (req.body === undefined || req.body === null) req.body = {};
  });
  endStreamsOnClose(app, ctx);

  const routes = app.withTypeProvider<ZodTypeProvider>();
  for (const route of ADMIN_ROUTES) {
    routes.route({
      method: route.method,
      url: route.path,
      schema: schemaOf(route),
      // A documented body the handler parses itself keeps the handler's own error code.
      validatorCompiler: route.bodyDoc ? validateExcept('body') : validateExcept(),
      ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
      handler: async (req, reply) =>
        route.handler({
          ctx,
          req,
          reply,
          query: route.query ? req.query : undefined,
          body: route.body ? req.body : undefined,
          params: (req.params ?? {}) as Record<string, string>,
          admin: req.admin!,
        }),
    });
  }
};
