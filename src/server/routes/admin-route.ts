/**
 * How an admin API route is declared: method, path, summary and the zod schemas of its
 * query, body and answer, beside the handler. admin-api.ts registers each one with these
 * schemas through fastify-type-provider-zod, so the same declaration is the validation
 * and the route's entry in /openapi.json (openapi.ts), and a test can walk every declared
 * route to prove each refuses an anonymous caller.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AppContext } from '../app-context';
import type { AdminPrincipal } from '../auth/admin-auth';
import { HttpError, zodIssues } from '../http/http-error';

export type AdminMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The names of a Fastify path's parameters: `/tokens/:id/revoke` → `'id'`. */
export type PathParams<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParams<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

export interface AdminCall<Q, B, Path extends string = string> {
  ctx: AppContext;
  req: FastifyRequest;
  reply: FastifyReply;
  query: Q;
  body: B;
  /** Fastify matched the route, so every parameter its path names is present. */
  params: Record<PathParams<Path>, string>;
  admin: AdminPrincipal;
}

export interface AdminRoute<Q = unknown, B = unknown, Path extends string = string> {
  method: AdminMethod;
  /** Relative to /api, Fastify syntax (`/verdicts/:id`). */
  path: Path;
  summary: string;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Documented body when the handler parses it itself (to answer with its own error): not validated first. */
  bodyDoc?: z.ZodType;
  response?: z.ZodType;
  /** Non-JSON answers, for the document: e.g. `text/csv`, `text/event-stream`. */
  produces?: string[];
  bodyLimit?: number;
  handler(call: AdminCall<Q, B, Path>): Promise<unknown>;
}

/** Declares a route with its types inferred from its schemas. */
export function adminRoute<Q = undefined, B = undefined, Path extends string = string>(
  route: AdminRoute<Q, B, Path>,
): AdminRoute {
  return route as unknown as AdminRoute;
}

/** An HTML form sends empty fields for unset filters; they mean "no filter". */
export function withoutEmpty(input: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((input ?? {}) as Record<string, unknown>)) {
    if (value !== '' && value !== undefined) out[key] = value;
  }
  return out;
}

export function parseQuery<Q>(schema: z.ZodType<Q>, input: unknown): Q {
  const parsed = schema.safeParse(withoutEmpty(input));
  if (!parsed.success)
    throw new HttpError(400, 'invalid_query', 'the query does not match the schema', zodIssues(parsed.error));
  return parsed.data;
}

/** `/verdicts/:id` → `/api/verdicts/{id}` for the OpenAPI document. */
export function openApiPath(path: string): string {
  return `/api${path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
}
