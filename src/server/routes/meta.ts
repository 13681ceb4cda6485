/**
 * /openapi.json and /metrics: what the API is, and how it is doing. Before each scrape
 * the device gauges are read from the store (shared by all replicas): enrolled, reporting
 * within the last five minutes, revoked. /metrics needs an admin API bearer token of any
 * scope (issue #10: counts of devices, verdicts and refusals are reconnaissance), unless
 * `serve --public-metrics` is given.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context';
import { REPORTING_WINDOW_MS } from '../admin/overview';
import { authenticateAdmin } from '../auth/admin-auth';
import { countDevices } from '../db/devices';
import { HttpError } from '../http/http-error';
import { openApiDocument } from '../openapi';

export const metaRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const document = openApiDocument();
  ctx.metrics.gauge('sg_stream_connections', 'Authenticated verdict streams (connected devices) on this replica', () =>
    ctx.hub.connections(),
  );
  ctx.metrics.gauge('sg_admin_event_streams', 'Live dashboard streams on this replica', () =>
    ctx.adminEvents.streams(),
  );

  app.get('/openapi.json', async () => document);

  app.get('/metrics', async (req, reply) => {
    if (!ctx.publicMetrics && (await authenticateAdmin(ctx.db, req, ctx.now()))?.kind !== 'token') {
      reply.header('www-authenticate', 'Bearer realm="session-guard metrics"');
      throw new HttpError(
        401,
        'unauthorized',
        'send Authorization: Bearer <token> (session-guard token create --scope read), or start serve with --public-metrics',
      );
    }
    try {
      const devices = await countDevices(ctx.db, ctx.now() - REPORTING_WINDOW_MS);
      ctx.metrics.set('sg_devices_enrolled', 'Enrolled devices that are not revoked', devices.enrolled);
      ctx.metrics.set('sg_devices_reporting', 'Devices that reported within the last 5 minutes', devices.reporting);
      ctx.metrics.set('sg_devices_revoked', 'Revoked devices', devices.revoked);
    } catch (error) {
      req.log.warn({ err: error }, 'device gauges unavailable');
    }
    return reply.type('text/plain; version=0.0.4').send(ctx.metrics.render());
  });
};
