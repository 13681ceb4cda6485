/**
 * A request that fails its route's zod schema (fastify-type-provider-zod) becomes the
 * same refusal a handler would have thrown: 400 with a code naming the part that failed
 * and the issues, each `{ path, message }` (http-error.ts), so clients see one shape.
 */
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HttpError } from './http-error';

const CODES: Record<string, string> = {
  body: 'invalid_body',
  querystring: 'invalid_query',
  params: 'invalid_params',
  headers: 'invalid_headers',
};

const PART_NAMES: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'headers',
};

/** The refusal for a schema validation error, or null for any other error. */
export function validationRefusal(error: unknown): HttpError | null {
  if (!hasZodFastifySchemaValidationErrors(error)) return null;
  const part = (error as { validationContext?: string }).validationContext ?? 'body';
  const issues = error.validation.map((v) => ({
    path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
    message: v.message ?? 'invalid',
  }));
  return new HttpError(
    400,
    CODES[part] ?? 'invalid_request',
    `the ${PART_NAMES[part] ?? part} does not match the schema`,
    issues,
  );
}
