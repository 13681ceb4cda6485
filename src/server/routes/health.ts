/**
 * Probes: /healthz says the process is up; /readyz says only whether this replica is ready
 * (the store answers and is migrated): `{ status: 'ready' }` or 503 `{ status: 'not_ready' }`.
 * Probes are unauthenticated, so they name no source, path or internals (issue #10); the
 * Tor exit list's status is at GET /api/tor-exit-list, the reason for not being ready in
 * the log.
 */
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { migrationsComplete } from '../db/migrate';

const NotReady = z.object({ status: z.literal('not_ready') }).describe('Not ready; the reason is in the log only');

export const healthRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Process is up',
        tags: ['meta'],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' }),
  );

  const readyz = {
    summary: 'Ready or not (store reachable and migrated); no detail (the Tor exit list: GET /api/tor-exit-list)',
    tags: ['meta'],
    response: {
      200: z.object({ status: z.literal('ready'), slackIdentity: z.enum(['verified', 'not_configured']) }),
      503: NotReady,
    },
  };
  app.get('/readyz', { schema: readyz }, async (req, reply) => {
    try {
      await sql`select 1`.execute(ctx.db);
      if (!(await migrationsComplete(ctx.db))) {
        req.log.warn('not ready: migrations have not all run');
        return reply.code(503).send({ status: 'not_ready' });
      }
      // Ready or not, and one plain word on what a device's claim reaches (issue #10).
      return { status: 'ready', slackIdentity: ctx.identity ? 'verified' : 'not_configured' };
    } catch (error) {
      req.log.warn({ err: error }, 'not ready: the store does not answer');
      return reply.code(503).send({ status: 'not_ready' });
    }
  });
};
