/**
 * The transmitter's public face (issue #12, SSF 1.0 §7): `/.well-known/ssf-configuration`
 * (issuer, JWKS URL, push delivery) and the JWKS it names, public keys only. Both answer
 * 404 with the reason while `serve` has no `--public-url`: a SET needs an issuer
 * receivers can reach, and an IdP must not pin a guessed one.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context';
import { z } from 'zod';
import { HttpError } from '../http/http-error';
import { content, errors } from '../http/route-schemas';
import { SSF_CONFIGURATION_PATH, SSF_JWKS_PATH, transmitterConfiguration } from '../ssf/service';
import { publishedJwks } from '../ssf/ssf-keys';

const notConfigured = () =>
  new HttpError(404, 'ssf_not_configured', 'Shared Signals needs `session-guard serve --public-url URL` (the issuer)');

export const ssfRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const configurationSchema = {
    summary: 'Shared Signals transmitter configuration (SSF 1.0): issuer, jwks_uri, push delivery',
    tags: ['ssf'],
    response: {
      200: content('application/json', 'Transmitter metadata', z.record(z.string(), z.unknown())),
      ...errors(404),
    },
  };
  const jwksSchema = {
    summary: "The transmitter's public signing keys (JWKS) that receivers verify SETs with",
    tags: ['ssf'],
    response: {
      200: content('application/jwk-set+json', 'JSON Web Key Set', z.record(z.string(), z.unknown())),
      ...errors(404),
    },
  };
  app.get(SSF_CONFIGURATION_PATH, { schema: configurationSchema }, async (_req, reply) => {
    if (!ctx.ssf?.issuer) throw notConfigured();
    return reply.header('cache-control', 'public, max-age=300').send(transmitterConfiguration(ctx.ssf.issuer));
  });
  app.get(SSF_JWKS_PATH, { schema: jwksSchema }, async (_req, reply) => {
    if (!ctx.ssf?.issuer) throw notConfigured();
    return reply
      .type('application/jwk-set+json')
      .header('cache-control', 'public, max-age=300')
      .send(await publishedJwks(ctx.db, ctx.ssf.key(), ctx.now()));
  });
};
