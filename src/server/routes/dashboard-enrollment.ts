/**
 * The dashboard's enrollment forms (issue #10): approve or reject a pending device, and
 * rotate the enrollment token (the new token is shown once, with the command that exports
 * the policy holding it). Same audited actions as the admin API.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { enrollmentRotatedPage } from '../../dashboard/enrollment-page';
import { approveDeviceAs, rejectDeviceAs, rotateEnrollmentAs } from '../admin/enrollment-actions';
import type { AppContext } from '../app-context';
import { HttpError } from '../http/http-error';
import { actorOf, messagePage, requireDashboardSession, sendPage, sessionOf } from './dashboard-session';

export const dashboardEnrollmentRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireDashboardSession(app, ctx);

  const decide = async (
    req: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    action: typeof approveDeviceAs,
    done: string,
  ) => {
    try {
      await action(ctx, actorOf(req), req.params.id);
    } catch (error) {
      if (!(error instanceof HttpError) || error.statusCode >= 500) throw error;
      const title = error.statusCode === 404 ? 'Device not found' : 'Not changed';
      return sendPage(reply, error.statusCode, messagePage(title, error.message, sessionOf(req).csrfToken));
    }
    return reply.redirect(`/devices?${done}=1`, 303);
  };

  app.post<{ Params: { id: string } }>('/devices/:id/approve', (req, reply) =>
    decide(req, reply, approveDeviceAs, 'approved'),
  );
  app.post<{ Params: { id: string } }>('/devices/:id/reject', (req, reply) =>
    decide(req, reply, rejectDeviceAs, 'rejected'),
  );

  app.post('/enrollment/rotate', async (req, reply) => {
    const { token, previousExpiresAt } = await rotateEnrollmentAs(ctx.db, ctx.now(), actorOf(req));
    const page = enrollmentRotatedPage({ token, previousExpiresAt, csrf: sessionOf(req).csrfToken });
    return sendPage(reply, 200, page);
  });
};
