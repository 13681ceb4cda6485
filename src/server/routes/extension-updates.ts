/**
 * Self-hosted distribution (issue #6): `/extension/updates.xml` is the `update_url` the
 * force-install policy names, advertising the version `session-guard extension pack`
 * published last; `/extension/session-guard.crx` is that package. Browsers check the
 * manifest every few hours and update themselves when the version goes up.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { currentPackage, packageBytes } from '../deploy/package-store';
import { updateManifestXml } from '../deploy/update-manifest';
import { HttpError } from '../http/http-error';
import { content, errors } from '../http/route-schemas';

export const UPDATE_MANIFEST_PATH = '/extension/updates.xml';
export const CRX_PATH = '/extension/session-guard.crx';

const notPublished = () =>
  new HttpError(
    404,
    'extension_not_published',
    'No extension package yet: run `session-guard extension pack` against this store.',
  );

export const extensionUpdateRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  let cached: { sha256: string; crx: Buffer } | undefined;

  const manifestSchema = {
    summary: 'gupdate manifest advertising the published extension version (force-install and updates)',
    tags: ['meta'],
    response: { 200: content('application/xml', 'Update manifest'), ...errors(404) },
  };
  app.get(UPDATE_MANIFEST_PATH, { schema: manifestSchema }, async (req, reply) => {
    const published = await currentPackage(ctx.db);
    if (!published) throw notPublished();
    // The request's own origin (X-Forwarded-* behind a proxy with trustProxy on), so the
    // download URL is the one this browser already reached us at.
    const codebase = `${req.protocol}://${req.host}${CRX_PATH}`;
    return reply
      .type('application/xml; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(updateManifestXml({ ...published, codebase }));
  });

  const crxSchema = {
    summary: 'The published CRX3 package (`session-guard extension pack`)',
    tags: ['meta'],
    response: {
      200: content('application/x-chrome-extension', 'CRX3 package', z.string().meta({ format: 'binary' })),
      ...errors(404),
    },
  };
  app.get(CRX_PATH, { schema: crxSchema }, async (_req, reply) => {
    const published = await currentPackage(ctx.db);
    if (!published) throw notPublished();
    if (cached?.sha256 !== published.sha256) {
      const crx = await packageBytes(ctx.db, published.sha256);
      if (!crx) throw notPublished();
      cached = { sha256: published.sha256, crx };
    }
    return reply
      .type('application/x-chrome-extension')
      .header('cache-control', 'no-cache')
      .header('etag', `"${published.sha256}"`)
      .send(cached.crx);
  });
};
