/**
 * One-time dashboard notices (issue #12): the dismiss form's endpoint. What a notice says
 * and whether it shows come from src/server/admin/notice-actions.ts.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context';
import { dismissAutoRevocationNoticeAs } from '../admin/notice-actions';
import { actorOf, requireDashboardSession } from './dashboard-session';

export { autoRevocationNoticeFor } from '../admin/notice-actions';

export const dashboardNoticeRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireDashboardSession(app, ctx);
  app.post('/notices/auto-revocation/dismiss', async (req, reply) => {
    await dismissAutoRevocationNoticeAs(ctx, actorOf(req));
    return reply.redirect('/', 303);
  });
};
