/**
 * The dashboard's Shared Signals page (issue #12): `/settings/ssf`, with plain HTML forms
 * (CSRF-checked by the dashboard session hook) that go through the same audited actions
 * as the admin API and the CLI (src/server/ssf/receivers.ts).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ssfPage } from '../../dashboard/ssf-page';
import type { AppContext } from '../app-context';
import { HttpError } from '../http/http-error';
import { addReceiverAs, receiverViews, removeReceiverAs } from '../ssf/receivers';
import { actorOf, requireDashboardSession, sendPage, sessionOf } from './dashboard-session';

const form = (req: FastifyRequest) => (req.body instanceof URLSearchParams ? req.body : new URLSearchParams());

export const dashboardSsfRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireDashboardSession(app, ctx);

  const render = async (req: FastifyRequest, reply: FastifyReply, status: number, extra = {}) =>
    sendPage(
      reply,
      status,
      ssfPage({
        issuer: ctx.ssf?.issuer ?? null,
        receivers: await receiverViews(ctx.db),
        csrf: sessionOf(req).csrfToken,
        ...extra,
      }),
    );

  const handled = async (req: FastifyRequest, reply: FastifyReply, work: () => Promise<string>) => {
    try {
      return await render(req, reply, 200, { notice: await work() });
    } catch (error) {
      if (error instanceof HttpError && error.statusCode < 500)
        return render(req, reply, error.statusCode, { error: error.message });
      throw error;
    }
  };

  app.get('/settings/ssf', async (req, reply) => render(req, reply, 200));

  app.post('/settings/ssf', async (req, reply) =>
    handled(req, reply, async () => {
      if (!ctx.ssf?.issuer)
        throw new HttpError(
          409,
          'ssf_not_configured',
          'Start the backend with --public-url to transmit Shared Signals.',
        );
      const body = form(req);
      const audience = (body.get('audience') ?? '').trim();
      const token = (body.get('token') ?? '').trim();
      const view = await addReceiverAs(
        ctx.db,
        ctx.ssf.key(),
        ctx.now(),
        actorOf(req),
        { url: body.get('url') ?? '', ...(token ? { token } : {}), ...(audience ? { audience } : {}) },
        ctx.ssf.targets,
      );
      return `Receiver ${view.url} added; SETs go to it from now on.`;
    }),
  );

  app.post<{ Params: { id: string } }>('/settings/ssf/:id/delete', async (req, reply) =>
    handled(req, reply, async () => {
      await removeReceiverAs(ctx.db, ctx.now(), actorOf(req), req.params.id);
      return 'Receiver removed.';
    }),
  );
};
