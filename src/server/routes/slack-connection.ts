/**
 * Admin API for the Slack connection (issue #7): connect with a token (tried with
 * `auth.test`, then kept sealed), test it, see whether it works and what it last did,
 * disconnect; the server-side revocations, and each verdict's server-side timeline. No
 * answer ever carries the token. Without a Slack service (tests), 503.
 */
import { z } from 'zod';
import {
  ServerSideView,
  SlackConnectRequest,
  SlackConnectionView,
  SlackRevocationView,
  SlackStatusView,
} from '../../shared/protocol/slack';
import type { AppContext } from '../app-context';
import { HttpError } from '../http/http-error';
import { connectSlack, disconnectSlack, testConnection } from '../slack/connection';
import type { SlackService } from '../slack/service';
import { revocationViews, serverSideView } from '../slack/views';
import { adminRoute } from './admin-route';

function slackOf(ctx: AppContext): SlackService {
  if (!ctx.slack) throw new HttpError(503, 'slack_unavailable', 'this backend runs without the Slack integration');
  return ctx.slack;
}

const RevocationList = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  status: z.enum(['pending', 'done', 'failed']).optional(),
});

export const slackRoutes = [
  adminRoute({
    method: 'GET',
    path: '/slack/connection',
    summary:
      'The Slack connection: team, scopes, last test call, revocation counts, audit-log position, allow-list sync (never the token)',
    response: SlackStatusView,
    handler: async ({ ctx }) => slackOf(ctx).status(),
  }),
  adminRoute({
    method: 'PUT',
    path: '/slack/connection',
    summary:
      'Connect Slack with an org owner token (admin.users:write, auditlogs:read); tried with auth.test, then stored encrypted',
    body: SlackConnectRequest,
    response: SlackConnectionView,
    handler: async ({ ctx, body, admin, req }) =>
      connectSlack(slackOf(ctx).context, body.token, { actor: admin.actor, ip: req.ip }),
  }),
  adminRoute({
    method: 'POST',
    path: '/slack/connection/test',
    summary: 'Call auth.test with the stored token now and record the answer',
    response: SlackConnectionView,
    handler: async ({ ctx, admin, req }) => testConnection(slackOf(ctx).context, { actor: admin.actor, ip: req.ip }),
  }),
  adminRoute({
    method: 'DELETE',
    path: '/slack/connection',
    summary: 'Forget the Slack token (revocations and the audit-log connector stop)',
    response: z.object({ disconnected: z.boolean() }),
    handler: async ({ ctx, admin, req }) => ({
      disconnected: await disconnectSlack(slackOf(ctx).context, { actor: admin.actor, ip: req.ip }),
    }),
  }),
  adminRoute({
    method: 'GET',
    path: '/slack/revocations',
    summary: 'Server-side revocations, most recently updated first; filter by status',
    query: RevocationList,
    response: z.object({ revocations: z.array(SlackRevocationView) }),
    handler: async ({ ctx, query }) => ({
      revocations: await revocationViews(slackOf(ctx).context, query.limit, query.status),
    }),
  }),
  adminRoute({
    method: 'GET',
    path: '/verdicts/:id/server-side',
    summary: "A verdict's server-side half: the revocation job and its timeline (each Slack call, its answer or error)",
    response: ServerSideView,
    handler: async ({ ctx, params }) => {
      const view = await serverSideView(slackOf(ctx).context, params.id);
      if (!view) throw new HttpError(404, 'unknown_verdict', 'no verdict with this id');
      return view;
    },
  }),
];
