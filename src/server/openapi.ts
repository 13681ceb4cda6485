/**
 * /openapi.json, generated (issue 11): @fastify/swagger collects every route as it is
 * registered, and fastify-type-provider-zod turns the zod schemas the route validates
 * with (src/shared/protocol where the wire has a shape) into the document's schemas. No
 * path is listed by hand, so the document cannot drift from the routes; a test
 * (server-openapi-coverage.test.ts) fails if a registered route is missing from it.
 * Responses are serialized as they are (JSON.stringify); under the test runner each is
 * also checked against its declared schema, so a documented answer that drifts from what
 * the handler sends fails the tests rather than misleading a client.
 */
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySerializerCompiler } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

const checkResponses = Boolean(process.env.VITEST);

const serializeChecked: FastifySerializerCompiler<unknown> = ({ schema, method, url, httpStatus }) => {
  const zod = schema instanceof z.ZodType ? schema : null;
  return (data) => {
    if (checkResponses && zod) {
      const result = zod.safeParse(data);
      if (!result.success)
        throw new Error(
          `${method} ${url} ${httpStatus}: the answer does not match its schema: ${result.error.message}`,
        );
    }
    return JSON.stringify(data);
  };
};

export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description:
      'session-guard token create [--scope admin|read]; a read token may only GET (403 insufficient_scope otherwise)',
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'sg_session',
    description:
      'The dashboard session (`__Host-sg_session` over https); state-changing requests also need the x-csrf-token header (403 csrf_failed otherwise)',
  },
} as const;

/** Call before any route is registered: swagger sees routes through an onRoute hook. */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializeChecked);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Session Guard', version: '1' },
      components: { securitySchemes: SECURITY_SCHEMES },
      tags: [
        { name: 'devices', description: 'The extension: signed requests under /v1' },
        { name: 'admin', description: 'The admin API under /api (docs/api.md)' },
        { name: 'dashboard', description: 'The dashboard: server-rendered HTML pages and forms' },
        { name: 'meta', description: 'Probes, metrics, this document, extension updates' },
      ],
    },
    transform: jsonSchemaTransform,
  });
}

/** The document, once the app is ready. */
export function openApiDocument(app: FastifyInstance): Record<string, unknown> {
  return app.swagger() as unknown as Record<string, unknown>;
}
