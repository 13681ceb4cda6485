/**
 * /openapi.json and /metrics: what the API is, and how it is doing. Before each scrape
 * the device gauges are read from the store (shared by all replicas): enrolled, reporting
 * within the last five minutes, revoked.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context';
import { REPORTING_WINDOW_MS } from '../admin/overview';
import { countDevices } from '../db/device-admin.repository';
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
