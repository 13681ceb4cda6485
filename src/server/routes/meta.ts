/** /openapi.json and /metrics: what the API is, and how it is doing. */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context';
import { openApiDocument } from '../openapi';

export const metaRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const document = openApiDocument();
  ctx.metrics.gauge('sg_stream_connections', 'Authenticated verdict streams on this replica', () => ctx.hub.connections());

  app.get('/openapi.json', async () => document);

  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(ctx.metrics.render()));
};
