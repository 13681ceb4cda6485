/**
 * Probes: /healthz says the process is up; /readyz that the store answers and is migrated,
 * with detail that does not change readiness: the Tor exit list's status and age (a stale
 * or missing list is reported, not hidden, but the replica can still serve).
 */
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../app-context';
import { migrationsComplete } from '../db/migrate';
import { torListSummary } from '../tor/summary';

export const healthRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (req, reply) => {
    try {
      await sql`select 1`.execute(ctx.db);
      if (!(await migrationsComplete(ctx.db))) return reply.code(503).send({ status: 'migrating' });
      return {
        status: 'ready',
        database: ctx.dialect,
        torExitList: torListSummary(ctx.torList),
        slackIdentity: ctx.identity ? 'verified' : 'not_configured',
      };
    } catch (error) {
      req.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'database unreachable' });
    }
  });
};
