/**
 * The OpenAPI document served at /openapi.json, generated from the same zod schemas the
 * routes parse with (src/shared), so the description cannot drift from the code.
 */
import { z } from 'zod';
import { OrgPolicy } from '../shared/policy/org-policy';
import { EnrollRequest, EnrollResponse, PollRequest } from '../shared/protocol/device';
import { SignalBatch, SignalBatchResult } from '../shared/protocol/signals';
import { PollResponse, VerdictAck } from '../shared/protocol/verdict';

function schema(s: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const json = (s: Record<string, unknown>) => ({ content: { 'application/json': { schema: s } } });
const signedHeaders = [
  { name: 'x-sg-device', in: 'header', required: true, schema: { type: 'string' } },
  { name: 'x-sg-signature', in: 'header', required: true, description: 'ECDSA P-256 over the exact body bytes, base64url P1363', schema: { type: 'string' } },
];
const error = { description: 'Refused: { error, message, issues? }' };

function deviceRoute(summary: string, body: z.ZodType, response: Record<string, unknown>, signed = true) {
  return {
    post: {
      summary,
      ...(signed ? { parameters: signedHeaders } : {}),
      requestBody: { required: true, ...json(schema(body)) },
      responses: { 200: { description: 'OK', ...json(response) }, 400: error, 401: error, 409: error, 413: error },
    },
  };
}

const admin = (summary: string) => ({ get: { summary, security: [{ bearer: [] }, { session: [] }], responses: { 200: { description: 'OK' }, 401: error } } });

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Session Guard', version: '1' },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'session-guard token create' },
        session: { type: 'apiKey', in: 'cookie', name: 'sg_session' },
      },
    },
    paths: {
      '/v1/enroll': deviceRoute('Enroll a device (signed by the key it enrolls)', EnrollRequest, schema(EnrollResponse, 'output'), false),
      '/v1/signals': deviceRoute('Report a signed batch of signals', SignalBatch, schema(SignalBatchResult, 'output')),
      '/v1/verdicts/poll': deviceRoute('Fetch pending verdicts', PollRequest, schema(PollResponse, 'output')),
      '/v1/acks': deviceRoute('Acknowledge a verdict (idempotent)', VerdictAck, { type: 'object' }),
      '/v1/stream': { get: { summary: 'WebSocket: challenge, auth, then verdicts pushed live', responses: { 101: { description: 'Switching protocols' } } } },
      '/api/verdicts': admin('Verdicts with their acks and latency'),
      '/api/findings': admin('Findings, including monitor-mode ones'),
      '/api/devices': admin('Enrolled devices'),
      '/api/policy': {
        ...admin('The current org policy and its version'),
        put: {
          summary: 'Replace the org policy (a new version when it differs)',
          security: [{ bearer: [] }, { session: [] }],
          requestBody: { required: true, ...json(schema(OrgPolicy)) },
          responses: { 200: { description: 'OK' }, 400: error, 401: error },
        },
      },
      '/healthz': { get: { summary: 'Process is up', responses: { 200: { description: 'OK' } } } },
      '/readyz': { get: { summary: 'Store reachable and migrated', responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text/plain' } } } },
    },
  };
}
