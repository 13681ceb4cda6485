/**
 * The dashboard's retention page (issue #16): `/settings/retention`, read-only, from the
 * same admin action as GET /api/retention (src/server/admin/retention-actions.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import { retentionPage } from '../../dashboard/retention-page';
import { retentionView } from '../admin/retention-actions';
import type { AppContext } from '../app-context';
import { requireDashboardSession, sendPage, sessionOf } from './dashboard-session';

export const dashboardRetentionRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireDashboardSession(app, ctx);
  app.get('/settings/retention', async (req, reply) =>
    sendPage(reply, 200, retentionPage({ kinds: await retentionView(ctx), csrf: sessionOf(req).csrfToken })),
  );
};
