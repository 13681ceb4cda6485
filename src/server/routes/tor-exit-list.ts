/**
 * The Tor exit list for admins: GET /api/tor-exit-list says what the tor detector checks
 * against (status, entries, source, age, last error; `unconfigured` without a list), and
 * POST /api/tor-exit-list/refresh re-reads it now. Also the list's /metrics gauges.
 * Same credentials as the rest of /api (bearer token, or dashboard session plus CSRF).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context';
import { authenticateAdmin } from '../auth/admin-auth';
import { csrfValid, isUnsafeMethod } from '../auth/csrf';
import { requireScopeFor } from '../auth/scope-guard';
import { HttpError } from '../http/http-error';
import { torListSummary } from '../tor/summary';

export const torExitListRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const summary = () => torListSummary(ctx.torList);
  ctx.metrics.gauge('sg_tor_exit_list_entries', 'Addresses in the Tor exit list in use', () => summary().entries);
  ctx.metrics.gauge('sg_tor_exit_list_age_seconds', 'Age of the Tor exit list content (-1: none loaded)', () => {
    const s = summary();
    return 'ageSeconds' in s && typeof s.ageSeconds === 'number' ? s.ageSeconds : -1;
  });
  ctx.metrics.gauge(
    'sg_tor_exit_list_stale',
    '1 when the Tor exit list is stale, empty, failing or not configured',
    () => (summary().stale ? 1 : 0),
  );

  // preHandler, not onRequest: the CSRF token may come in the parsed body.
  app.addHook('preHandler', async (req) => {
    const principal = await authenticateAdmin(ctx.db, req, ctx.now());
    if (!principal)
      throw new HttpError(401, 'unauthorized', 'send Authorization: Bearer <token> or sign in to the dashboard');
    requireScopeFor(req.method, principal);
    if (principal.kind === 'session' && isUnsafeMethod(req.method) && !csrfValid(req, principal.csrfToken)) {
      throw new HttpError(403, 'csrf', 'missing or wrong CSRF token');
    }
  });

  app.get('/tor-exit-list', async () => summary());

  app.post('/tor-exit-list/refresh', async () => {
    if (!ctx.torList?.refresh)
      throw new HttpError(409, 'tor_list_unconfigured', 'start serve with --tor-exit-list FILE|URL');
    await ctx.torList.refresh();
    return summary();
  });
};
