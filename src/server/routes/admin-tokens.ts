/**
 * Admin API: bearer tokens and webhook endpoints. A token's secret and a webhook's
 * `whsec_` secret are in the answer that creates them and never again.
 */
import { z } from 'zod';
import {
  DeliveryView,
  TokenCreateRequest,
  TokenScope,
  TokenView,
  WebhookCreateRequest,
  WebhookView,
} from '../../shared/protocol/admin';
import { createTokenAs, revokeTokenAs, tokenViews } from '../admin/token-actions';
import { createWebhookAs, deleteWebhookAs, deliveryViews, testWebhookAs, webhookViews } from '../admin/webhook-actions';
import { adminRoute } from './admin-route';

export const tokenRoutes = [
  adminRoute({
    method: 'GET',
    path: '/tokens',
    summary: 'API tokens (label, scope, created, last used, revoked); never the secret',
    response: z.object({ tokens: z.array(TokenView) }),
    handler: async ({ ctx }) => ({ tokens: await tokenViews(ctx.db) }),
  }),
  adminRoute({
    method: 'POST',
    path: '/tokens',
    summary:
      'Create an API token (scope `admin`, the default, or `read`: read and export only); the answer holds its secret, shown once',
    body: TokenCreateRequest,
    response: z.object({ id: z.string(), token: z.string(), scope: TokenScope }),
    handler: async ({ ctx, body, admin, req }) =>
      createTokenAs(ctx.db, ctx.now(), { actor: admin.actor, ip: req.ip }, body.label, body.scope),
  }),
  adminRoute({
    method: 'DELETE',
    path: '/tokens/:id',
    summary: 'Revoke an API token (by id or a unique prefix of 6+ characters)',
    response: z.object({ token: TokenView }),
    handler: async ({ ctx, params, admin, req }) => ({
      token: await revokeTokenAs(ctx.db, ctx.now(), { actor: admin.actor, ip: req.ip }, params.id),
    }),
  }),
];

export const webhookRoutes = [
  adminRoute({
    method: 'GET',
    path: '/webhooks',
    summary: 'Outgoing webhook endpoints',
    response: z.object({ webhooks: z.array(WebhookView) }),
    handler: async ({ ctx }) => ({ webhooks: await webhookViews(ctx.db) }),
  }),
  adminRoute({
    method: 'POST',
    path: '/webhooks',
    summary:
      'Add an endpoint; events are signed per Standard Webhooks with its whsec_ secret (generated unless given, shown once). Loopback, private and link-local targets are refused (400 private_webhook_target) unless serve --allow-private-webhooks',
    bodyDoc: WebhookCreateRequest,
    response: WebhookView.extend({ secret: z.string() }),
    handler: async ({ ctx, req, admin }) =>
      createWebhookAs(ctx.db, ctx.now(), { actor: admin.actor, ip: req.ip }, req.body, ctx.webhookTargets),
  }),
  adminRoute({
    method: 'DELETE',
    path: '/webhooks/:id',
    summary: 'Delete an endpoint and its undelivered events',
    response: z.object({ deleted: z.literal(true) }),
    handler: async ({ ctx, params, admin, req }) => {
      await deleteWebhookAs(ctx.db, ctx.now(), { actor: admin.actor, ip: req.ip }, params.id);
      return { deleted: true as const };
    },
  }),
  adminRoute({
    method: 'POST',
    path: '/webhooks/:id/test',
    summary: 'Send a signed webhook.test event to the endpoint now',
    response: z.object({ eventId: z.string() }),
    handler: async ({ ctx, params, admin, req }) => testWebhookAs(ctx, { actor: admin.actor, ip: req.ip }, params.id),
  }),
  adminRoute({
    method: 'GET',
    path: '/webhooks/deliveries',
    summary: 'Recent deliveries: status, attempts, next attempt, last HTTP status or error',
    query: z.object({
      webhook: z.string().max(64).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
    response: z.object({ deliveries: z.array(DeliveryView) }),
    handler: async ({ ctx, query }) => ({ deliveries: await deliveryViews(ctx.db, query.webhook, query.limit) }),
  }),
];
