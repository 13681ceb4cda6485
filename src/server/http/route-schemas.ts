/**
 * The pieces every route's `schema` is built from (issue 11): the error body every JSON
 * route answers with, responses that are not JSON (HTML pages, CSV, XML), who may call,
 * and the validator for parts a handler must check itself. A route declares its zod
 * schemas once; fastify-type-provider-zod validates with them and @fastify/swagger puts
 * them in /openapi.json (openapi.ts).
 */
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEVICE_HEADER, SIGNATURE_HEADER } from '../../shared/protocol/device';

/** What every refusal looks like (error-handler.ts). */
export const ErrorBody = z.object({
  error: z.string().describe('A stable machine-readable code, e.g. `invalid_body`, `unauthorized`'),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  serverTime: z
    .number()
    .optional()
    .describe('On `stale_request`: the server clock (ms since the epoch), for a device to correct its `sentAt`'),
});

/** A refusal's entry in the document: the error body, described. */
export const refusal = (description: string) => ErrorBody.describe(description);

const ERROR_TEXT: Record<number, string> = {
  400: 'Refused: the input does not match the schema (`invalid_body`, `invalid_query`, `malformed_json`, …)',
  401: 'Refused: no valid credential (`unauthorized`, or for a device `bad_signature`, `unknown_device`, …)',
  403: 'Refused: `insufficient_scope`, `csrf_failed`, or for a device `device_revoked`, `device_pending`, …',
  404: 'Not found',
  409: 'Conflict: a replay or a state that forbids it',
  413: 'Body too large',
  422: 'Understood but unusable',
  426: 'Upgrade required: open a WebSocket',
  429: 'Too many requests (Retry-After says when to try again)',
  503: 'Not available on this backend',
};

/** Refusal entries for the given statuses, with the generic text for each. */
export function errors(...statuses: number[]): Record<number, z.ZodType> {
  return Object.fromEntries(statuses.map((status) => [status, refusal(ERROR_TEXT[status] ?? 'Refused')]));
}

/** A response that is not JSON: `text/html`, `text/csv`, `application/xml`, … */
export function content(type: string | readonly string[], description: string, schema: z.ZodType = z.string()) {
  const types = typeof type === 'string' ? [type] : type;
  return { description, content: Object.fromEntries(types.map((t) => [t, { schema }])) };
}

/** A response with no body at all (101 Switching Protocols, 303 redirects). */
export const noBody = (description: string) => z.null().describe(description);

type Security = { [scheme: string]: string[] }[];

export const SECURITY: Record<'admin' | 'bearer' | 'session', Security> = {
  /** Admin API: a bearer token or the dashboard session (admin-guard.ts). */
  admin: [{ bearer: [] }, { session: [] }],
  bearer: [{ bearer: [] }],
  session: [{ session: [] }],
};

/**
 * A validator that leaves some request parts to the handler: the device API checks its
 * body only after verifying the signature over the raw bytes (http/signed-body.ts), and
 * its headers with its own codes (`missing_device`, `missing_signature`), so those are
 * documented by schema but not validated before the handler runs.
 */
export function validateExcept(...parts: ('body' | 'headers')[]): FastifySchemaCompiler<FastifySchema> {
  return (route) =>
    parts.includes(route.httpPart as 'body' | 'headers')
      ? (data) => ({ value: data })
      : validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);
}

/** Path parameters named in a Fastify URL (`/verdicts/:id`), as strings the handler checks. */
export function pathParams(url: string): z.ZodObject | undefined {
  const names = [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
  return names.length ? z.object(Object.fromEntries(names.map((n) => [n, z.string()]))) : undefined;
}

/** The headers of a signed device request (DESIGN.md; src/shared/protocol/device.ts). */
export const SignedHeaders = z.object({
  [DEVICE_HEADER]: z.string().max(64).describe('The device id (the thumbprint of its enrolled key)'),
  [SIGNATURE_HEADER]: z.string().describe('ECDSA P-256 over the exact body bytes, base64url P1363'),
});
const EnrollHeaders = SignedHeaders.pick({ [SIGNATURE_HEADER]: true });

/**
 * A device route's schema: its signed headers and body (checked by the handler after the
 * signature, see validateExcept), its answer, and the refusals every device route shares
 * (400 bad input, 401 signature/device/clock, 403 revoked or not approved, 409 replay,
 * 413 too large) plus its own.
 */
export function deviceSchema(
  summary: string,
  body: z.ZodType,
  response: z.ZodType,
  options: { enroll?: boolean; errors?: number[] } = {},
) {
  return {
    summary,
    tags: ['devices'],
    headers: options.enroll ? EnrollHeaders : SignedHeaders,
    body,
    response: { 200: response, ...errors(400, 401, 403, 409, 413, ...(options.errors ?? [])) },
  };
}
