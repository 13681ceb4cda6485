/**
 * Admin API for Shared Signals receivers (issue #12): list, add (the bearer token is
 * sealed and never returned: only its last four characters), remove. Adding needs the
 * transmitter configured (`serve --public-url`); the CLI (`session-guard ssf`) needs not.
 */
import { z } from 'zod';
import { HttpError } from '../http/http-error';
import { addReceiverAs, receiverViews, removeReceiverAs, SsfReceiverRequest, SsfReceiverView } from '../ssf/receivers';
import { adminRoute } from './admin-route';

export const ssfAdminRoutes = [
  adminRoute({
    method: 'GET',
    path: '/ssf/receivers',
    summary: 'Shared Signals receivers (SET push endpoints) and how their last delivery went',
    response: z.object({ issuer: z.string().nullable(), receivers: z.array(SsfReceiverView) }),
    handler: async ({ ctx }) => ({ issuer: ctx.ssf?.issuer ?? null, receivers: await receiverViews(ctx.db) }),
  }),
  adminRoute({
    method: 'POST',
    path: '/ssf/receivers',
    summary:
      'Add a receiver: its RFC 8935 push URL, the bearer token it requires (sealed, never shown again) and the SET audience (default: the URL origin). Loopback and private targets need serve --allow-private-webhooks',
    bodyDoc: SsfReceiverRequest,
    response: SsfReceiverView,
    handler: async ({ ctx, req, admin }) => {
      if (!ctx.ssf?.issuer)
        throw new HttpError(409, 'ssf_not_configured', 'start serve with --public-url URL to transmit Shared Signals');
      return addReceiverAs(
        ctx.db,
        ctx.ssf.key(),
        ctx.now(),
        { actor: admin.actor, ip: req.ip },
        req.body,
        ctx.ssf.targets,
      );
    },
  }),
  adminRoute({
    method: 'DELETE',
    path: '/ssf/receivers/:id',
    summary: 'Remove a receiver; its undelivered SETs are given up',
    response: z.object({ deleted: z.literal(true) }),
    handler: async ({ ctx, params, admin, req }) => {
      await removeReceiverAs(ctx.db, ctx.now(), { actor: admin.actor, ip: req.ip }, params.id);
      return { deleted: true as const };
    },
  }),
];
