/**
 * The OpenAPI document served at /openapi.json, generated from the same zod schemas the
 * routes parse with (src/shared), so the description cannot drift from the code. The
 * admin API part is generated from the route declarations themselves (ADMIN_ROUTES).
 */
import { z } from 'zod';
import { OrgPolicy } from '../shared/policy/org-policy';
import { EnrollRequest, EnrollResponse, PollRequest } from '../shared/protocol/device';
import { SignalBatch, SignalBatchResult } from '../shared/protocol/signals';
import {
  IdentityChallengeRequest,
  IdentityChallengeResponse,
  IdentityVerifyRequest,
  IdentityVerifyResponse,
} from '../shared/protocol/identity';
import { PollResponse, VerdictAck } from '../shared/protocol/verdict';
import { ADMIN_ROUTES } from './routes/admin-api';
import { openApiPath, type AdminRoute } from './routes/admin-route';
import { CRX_PATH, UPDATE_MANIFEST_PATH } from './routes/extension-updates';
import { XPI_PATH } from './routes/firefox-package';

function schema(s: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const json = (s: Record<string, unknown>) => ({ content: { 'application/json': { schema: s } } });
const signedHeaders = [
  { name: 'x-sg-device', in: 'header', required: true, schema: { type: 'string' } },
  {
    name: 'x-sg-signature',
    in: 'header',
    required: true,
    description: 'ECDSA P-256 over the exact body bytes, base64url P1363',
    schema: { type: 'string' },
  },
];
const error = { description: 'Refused: { error, message, issues? }' };

function deviceRoute(summary: string, body: z.ZodType, response: Record<string, unknown>, signed = true) {
  return {
    post: {
      summary,
      ...(signed ? { parameters: signedHeaders } : {}),
      requestBody: { required: true, ...json(schema(body)) },
      // 403: revoked, or not approved (device_pending / device_rejected, issue #10); 429 only on /v1/enroll.
      responses: {
        200: { description: 'OK', ...json(response) },
        400: error,
        401: error,
        403: error,
        409: error,
        413: error,
        ...(signed ? {} : { 429: error }),
      },
    },
  };
}

const ADMIN_SECURITY = [{ bearer: [] }, { session: [] }];

function queryParameters(route: AdminRoute): Record<string, unknown>[] {
  const params = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (!route.query) return params;
  const json = schema(route.query) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  for (const [name, s] of Object.entries(json.properties ?? {})) {
    const { description, ...rest } = s;
    params.push({
      name,
      in: 'query',
      required: Boolean(json.required?.includes(name)) && rest.default === undefined,
      schema: rest,
      ...(description ? { description } : {}),
    } as never);
  }
  return params;
}

function adminOperation(route: AdminRoute): Record<string, unknown> {
  const body = route.body ?? route.bodyDoc;
  const ok = route.produces
    ? {
        description: 'OK',
        content: Object.fromEntries(route.produces.map((type) => [type, { schema: { type: 'string' } }])),
      }
    : { description: 'OK', ...(route.response ? json(schema(route.response, 'output')) : {}) };
  return {
    summary: route.summary,
    security: ADMIN_SECURITY,
    parameters: queryParameters(route),
    ...(body ? { requestBody: { required: true, ...json(schema(body)) } } : {}),
    responses: {
      200: ok,
      400: error,
      401: error,
      403: {
        description:
          route.method === 'GET'
            ? 'Refused: { error, message }'
            : 'Refused: `insufficient_scope` (a read token changes nothing), or `csrf_failed` (session cookie without the token)',
      },
      404: error,
    },
  };
}

export function adminPaths(routes: readonly AdminRoute[] = ADMIN_ROUTES): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: adminOperation(route) };
  }
  return paths;
}

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Session Guard', version: '1' },
    components: {
      securitySchemes: {
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
            'The dashboard session (`__Host-sg_session` over https); state-changing requests also need the x-csrf-token header',
        },
      },
    },
    paths: {
      '/v1/enroll': deviceRoute(
        'Enroll a device (signed by the key it enrolls)',
        EnrollRequest,
        schema(EnrollResponse, 'output'),
        false,
      ),
      '/v1/signals': deviceRoute('Report a signed batch of signals', SignalBatch, schema(SignalBatchResult, 'output')),
      '/v1/verdicts/poll': deviceRoute('Fetch pending verdicts', PollRequest, schema(PollResponse, 'output')),
      '/v1/acks': deviceRoute('Acknowledge a verdict (idempotent)', VerdictAck, { type: 'object' }),
      '/v1/identity/challenge': deviceRoute(
        'Sign in with Slack: a fresh single-use challenge (client id, authorize URL, nonce) for this device',
        IdentityChallengeRequest,
        schema(IdentityChallengeResponse, 'output'),
      ),
      '/v1/identity/verify': deviceRoute(
        'Sign in with Slack: exchange the code, verify the id_token, record the verified user',
        IdentityVerifyRequest,
        schema(IdentityVerifyResponse, 'output'),
      ),
      '/v1/stream': {
        get: {
          summary: 'WebSocket: challenge, auth, then verdicts pushed live',
          responses: { 101: { description: 'Switching protocols' } },
        },
      },
      ...adminPaths(),
      [UPDATE_MANIFEST_PATH]: {
        get: {
          summary: 'gupdate manifest advertising the published extension version (force-install and updates)',
          responses: {
            200: { description: 'Update manifest', content: { 'application/xml': {} } },
            404: { description: 'Nothing published yet' },
          },
        },
      },
      [CRX_PATH]: {
        get: {
          summary: 'The published CRX3 package (`session-guard extension pack`)',
          responses: {
            200: { description: 'CRX3 package', content: { 'application/x-chrome-extension': {} } },
            404: { description: 'Nothing published yet' },
          },
        },
      },
      [XPI_PATH]: {
        get: {
          summary: 'The published Firefox package (`session-guard extension pack --browser firefox`)',
          responses: {
            200: { description: 'XPI package', content: { 'application/x-xpinstall': {} } },
            404: { description: 'Nothing published yet' },
          },
        },
      },
      '/healthz': { get: { summary: 'Process is up', responses: { 200: { description: 'OK' } } } },
      '/readyz': {
        get: {
          summary: 'Ready or not (store reachable and migrated); no detail (the Tor exit list: GET /api/tor-exit-list)',
          responses: { 200: { description: '{ status: "ready" }' }, 503: { description: '{ status: "not_ready" }' } },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics; needs a bearer token of any scope unless serve --public-metrics',
          security: [{ bearer: [] }],
          responses: { 200: { description: 'text/plain' }, 401: error },
        },
      },
    },
  };
}
