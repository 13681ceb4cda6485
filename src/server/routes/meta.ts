/**
 * /openapi.json and /metrics: what the API is, and how it is doing. Before each scrape
 * the device gauges are read from the store (shared by all replicas): enrolled, reporting
 * within the last five minutes, revoked; and the detection jobs pending and failed. /metrics needs an admin API bearer token of any
 * scope (issue #10: counts of devices, verdicts and refusals are reconnaissance), unless
 * `serve --public-metrics` is given; the guard is the admin one (admin-guard.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { REPORTING_WINDOW_MS } from '../admin/overview';
import { requireAdmin } from '../auth/admin-guard';
import { countDevices } from '../db/devices';
import { detectionJobCounts } from '../detection/detection-jobs';
import { content, errors, SECURITY } from '../http/route-schemas';
import { openApiDocument } from '../openapi';

const metricsRoute: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  if (!ctx.publicMetrics) {
    requireAdmin(app, ctx, {
      accept: 'token',
      unauthorizedMessage:
        'send Authorization: Bearer <token> (session-guard token create --scope read), or start serve with --public-metrics',
      refuse: (_req, reply) => {
        reply.header('www-authenticate', 'Bearer realm="session-guard metrics"');
        return undefined;
      },
    });
  }
  const { gauges } = ctx.metrics;

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics; needs a bearer token of any scope unless serve --public-metrics',
        tags: ['meta'],
        security: SECURITY.bearer,
        response: { 200: content('text/plain', 'Prometheus text format'), ...errors(401) },
      },
    },
    async (req, reply) => {
      try {
        const devices = await countDevices(ctx.db, ctx.now() - REPORTING_WINDOW_MS);
        gauges.sg_devices_enrolled.set(devices.enrolled);
        gauges.sg_devices_reporting.set(devices.reporting);
        gauges.sg_devices_revoked.set(devices.revoked);
        const detection = await detectionJobCounts(ctx.db);
        gauges.sg_detection_jobs_pending.set(detection.pending);
        gauges.sg_detection_jobs_failed.set(detection.failed);
      } catch (error) {
        req.log.warn({ err: error }, 'device gauges unavailable');
      }
      return reply.type(ctx.metrics.contentType).send(await ctx.metrics.render());
    },
  );
};

export const metaRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  ctx.metrics.gauges.sg_stream_connections.readFrom(() => ctx.hub.connections());
  ctx.metrics.gauges.sg_admin_event_streams.readFrom(() => ctx.adminEvents.streams());

  let document: Record<string, unknown> | undefined;
  app.get(
    '/openapi.json',
    {
      schema: {
        summary: 'This document (OpenAPI 3.1), generated from the routes and their zod schemas',
        tags: ['meta'],
        response: { 200: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }) },
      },
    },
    async () => (document ??= openApiDocument(app)),
  );

  await app.register(metricsRoute, { ctx });
};
