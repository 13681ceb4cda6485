/**
 * `/extension/session-guard.xpi`: the Firefox package `extension pack --browser firefox`
 * published last, for the `install_url` of the policy `policy export --format firefox`
 * prints (issue 15), as /extension/session-guard.crx is for Chromium.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context';
import { currentXpi, xpiBytes } from '../deploy/xpi-store';
import { z } from 'zod';
import { HttpError } from '../http/http-error';
import { content, errors } from '../http/route-schemas';

export const XPI_PATH = '/extension/session-guard.xpi';

const notPublished = () =>
  new HttpError(
    404,
    'extension_not_published',
    'No Firefox package yet: run `session-guard extension pack --browser firefox` against this store.',
  );

export const firefoxPackageRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const schema = {
    summary: 'The published Firefox package (`session-guard extension pack --browser firefox`)',
    tags: ['meta'],
    response: {
      200: content('application/x-xpinstall', 'XPI package', z.string().meta({ format: 'binary' })),
      ...errors(404),
    },
  };
  app.get(XPI_PATH, { schema }, async (_req, reply) => {
    const published = await currentXpi(ctx.db);
    const bytes = published && (await xpiBytes(ctx.db, published.sha256));
    if (!published || !bytes) throw notPublished();
    return reply
      .type('application/x-xpinstall')
      .header('cache-control', 'no-cache')
      .header('etag', `"${published.sha256}"`)
      .send(bytes);
  });
};
