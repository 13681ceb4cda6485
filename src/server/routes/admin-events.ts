/**
 * GET /api/events: the dashboard's live feed as server-sent events (`event: verdict` with
 * a verdict as /api/verdicts shows it, sent again when its ack arrives; `event: finding`).
 * `since` (epoch ms) replays what happened after a page was rendered. The reply is
 * hijacked, so the security headers are written here; every stream ends when the app
 * closes.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { openAdminStream } from '../events/admin-stream';
import { CONTENT_SECURITY_POLICY } from '../http/security-headers';
import { adminRoute } from './admin-route';

const openStreams = new WeakMap<AppContext, Set<() => void>>();
const streamsOf = (ctx: AppContext) => {
  const set = openStreams.get(ctx) ?? new Set<() => void>();
  openStreams.set(ctx, set);
  return set;
};

/** Ends every open stream before the server closes (an open response would hold it up). */
export function endStreamsOnClose(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('preClose', async () => {
    for (const end of [...streamsOf(ctx)]) end();
  });
}

export const eventRoutes = [
  adminRoute({
    method: 'GET',
    path: '/events',
    summary: 'Server-sent events: `verdict` (new, or gained its ack) and `finding`, live',
    query: z.object({ since: z.coerce.number().int().nonnegative().optional() }),
    produces: ['text/event-stream'],
    handler: async ({ ctx, req, reply, query }) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      });
      raw.write('retry: 2000\n\n');
      const close = openAdminStream(
        {
          db: ctx.db,
          now: ctx.now,
          bus: ctx.adminEvents,
          since: query.since ?? ctx.now(),
          pollMs: ctx.adminStreamPollMs,
          onError: (err) => req.log.warn({ err }, 'admin stream poll failed'),
        },
        (type, id, data) => raw.write(`event: ${type}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`),
      );
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
      heartbeat.unref();
      const open = streamsOf(ctx);
      const end = () => {
        if (!open.delete(end)) return;
        clearInterval(heartbeat);
        close();
        raw.end();
      };
      open.add(end);
      raw.on('close', end);
      ctx.metrics.counters.sg_admin_streams_opened_total.inc({});
    },
  }),
];
