/**
 * The dashboard's pages that change things, as plain HTML forms (each with its CSRF
 * token; no script needed): the policy editor with its review step and version pages,
 * device revocation, API tokens and webhooks. Every change goes through the same
 * audited actions as the admin API.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { lineDiff, prettyJson } from '../../dashboard/policy-diff';
import { policyPage, policyVersionPage } from '../../dashboard/policy-page';
import { settingsPage } from '../../dashboard/settings-page';
import { TokenScope } from '../../shared/protocol/admin';
import { revokeDeviceAs } from '../admin/device-actions';
import { policyHistory, policyVersion, previewPolicy, updatePolicy } from '../admin/policy-actions';
import { createTokenAs, revokeTokenAs, tokenViews } from '../admin/token-actions';
import { createWebhookAs, deleteWebhookAs, deliveryViews, testWebhookAs, webhookViews } from '../admin/webhook-actions';
import type { AppContext } from '../app-context';
import { HttpError } from '../http/http-error';
import { currentPolicy } from '../policy/policy-store';
import { actorOf, messagePage, requireDashboardSession, sendPage, sessionOf } from './dashboard-session';

const form = (req: FastifyRequest) => (req.body instanceof URLSearchParams ? req.body : new URLSearchParams());

export const dashboardFormRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireDashboardSession(app, ctx);

  async function renderPolicy(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    extra: { draft?: string; review?: Awaited<ReturnType<typeof previewPolicy>>; notice?: string } = {},
  ) {
    const history = await policyHistory(ctx, 50);
    const current = history[0];
    if (!current) throw new Error('policy history is empty, although policyHistory seeds version 1');
    const page = policyPage({ current, history, csrf: sessionOf(req).csrfToken, ...extra });
    return sendPage(reply, status, page);
  }

  app.get('/policy', async (req, reply) => {
    const saved = Number((req.query as Record<string, unknown>)?.saved);
    return renderPolicy(
      req,
      reply,
      200,
      Number.isInteger(saved) && saved > 0
        ? { notice: `Saved as version ${saved}. New findings and verdicts are decided under it.` }
        : {},
    );
  });

  app.post('/policy/review', async (req, reply) => {
    const draft = form(req).get('document') ?? '';
    const review = await previewPolicy(ctx, draft);
    return renderPolicy(req, reply, review.valid ? 200 : 400, { draft, review });
  });

  app.post('/policy', async (req, reply) => {
    const body = form(req);
    const draft = body.get('document') ?? '';
    const base = Number(body.get('baseVersion'));
    const current = await currentPolicy(ctx.db, ctx.now());
    if (current.version !== base) {
      const review = await previewPolicy(ctx, draft);
      return renderPolicy(req, reply, 409, {
        draft,
        review,
        notice: `Version ${current.version} was saved by ${current.createdBy} meanwhile; review your changes against it.`,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(draft);
    } catch {
      return renderPolicy(req, reply, 400, { draft, review: await previewPolicy(ctx, draft) });
    }
    try {
      const result = await updatePolicy(ctx, actorOf(req), parsed);
      if (!result.changed) return renderPolicy(req, reply, 200, { notice: 'Nothing changed; no new version.' });
      return reply.redirect(`/policy?saved=${result.version}`, 303);
    } catch (error) {
      if (error instanceof HttpError)
        return renderPolicy(req, reply, 400, { draft, review: await previewPolicy(ctx, draft) });
      throw error;
    }
  });

  app.get<{ Params: { version: string } }>('/policy/versions/:version', async (req, reply) => {
    const csrf = sessionOf(req).csrfToken;
    const view = /^\d{1,9}$/.test(req.params.version) ? await policyVersion(ctx, Number(req.params.version)) : null;
    if (!view)
      return sendPage(reply, 404, messagePage('Policy version not found', 'No policy version has this number.', csrf));
    const previous = await policyVersion(ctx, view.version - 1);
    const diff = previous ? lineDiff(prettyJson(previous.policy), prettyJson(view.policy)) : null;
    return sendPage(reply, 200, policyVersionPage(view, diff, csrf));
  });

  app.post<{ Params: { id: string } }>('/devices/:id/revoke', async (req, reply) => {
    try {
      await revokeDeviceAs(ctx, actorOf(req), req.params.id);
    } catch (error) {
      if (error instanceof HttpError && error.statusCode === 404)
        return sendPage(
          reply,
          404,
          messagePage('Device not found', 'No device has this id.', sessionOf(req).csrfToken),
        );
      throw error;
    }
    return reply.redirect('/devices?revoked=1', 303);
  });

  async function renderSettings(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    extra: { secret?: { label: string; value: string }; notice?: string; error?: string } = {},
  ) {
    const page = settingsPage({
      tokens: await tokenViews(ctx.db),
      webhooks: await webhookViews(ctx.db),
      deliveries: await deliveryViews(ctx.db, undefined, 20),
      csrf: sessionOf(req).csrfToken,
      ...extra,
    });
    return sendPage(reply, status, page);
  }

  const handled = async (
    req: FastifyRequest,
    reply: FastifyReply,
    work: () => Promise<Parameters<typeof renderSettings>[3]>,
  ) => {
    try {
      return renderSettings(req, reply, 200, await work());
    } catch (error) {
      if (error instanceof HttpError && error.statusCode < 500)
        return renderSettings(req, reply, error.statusCode, { error: error.message });
      throw error;
    }
  };

  app.get('/settings', async (req, reply) => renderSettings(req, reply, 200));

  app.post('/settings/tokens', async (req, reply) =>
    handled(req, reply, async () => {
      const label = (form(req).get('label') ?? '').trim().slice(0, 64);
      if (!label) throw new HttpError(400, 'invalid_label', 'Give the token a label.');
      const scope = TokenScope.safeParse(form(req).get('scope') || 'admin');
      if (!scope.success) throw new HttpError(400, 'invalid_scope', 'Choose the admin or the read scope.');
      const created = await createTokenAs(ctx.db, ctx.now(), actorOf(req), label, scope.data);
      return { secret: { label: `API token "${label}"`, value: created.token } };
    }),
  );

  app.post<{ Params: { id: string } }>('/settings/tokens/:id/revoke', async (req, reply) =>
    handled(req, reply, async () => {
      const token = await revokeTokenAs(ctx.db, ctx.now(), actorOf(req), req.params.id);
      return { notice: `Token "${token.label}" revoked.` };
    }),
  );

  app.post('/settings/webhooks', async (req, reply) =>
    handled(req, reply, async () => {
      const body = form(req);
      const created = await createWebhookAs(
        ctx.db,
        ctx.now(),
        actorOf(req),
        {
          url: body.get('url') ?? '',
          description: body.get('description') ?? '',
          events: body.getAll('events').length ? body.getAll('events') : undefined,
        },
        ctx.webhookTargets,
      );
      return { secret: { label: `Signing secret for ${created.url}`, value: created.secret } };
    }),
  );

  app.post<{ Params: { id: string } }>('/settings/webhooks/:id/delete', async (req, reply) =>
    handled(req, reply, async () => {
      await deleteWebhookAs(ctx.db, ctx.now(), actorOf(req), req.params.id);
      return { notice: 'Webhook deleted.' };
    }),
  );

  app.post<{ Params: { id: string } }>('/settings/webhooks/:id/test', async (req, reply) =>
    handled(req, reply, async () => {
      await testWebhookAs(ctx, actorOf(req), req.params.id);
      return { notice: 'Test event queued; see Recent deliveries (reload in a moment).' };
    }),
  );
};
