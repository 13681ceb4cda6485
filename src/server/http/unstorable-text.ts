/**
 * PostgreSQL cannot hold a NUL character in text (SQLite can): a request carrying one,
 * in a path parameter, a query or a body, fails in the driver with SQLSTATE 22021
 * (invalid byte sequence) or 22P05 (untranslatable character). That is the client's bad
 * input, not a server fault, so it is answered 400 like any other (found by the fuzz
 * battery, issue #17); the failed statement's transaction has already rolled back.
 */
import { HttpError } from './http-error';

const UNSTORABLE = new Set(['22021', '22P05']);

export function unstorableText(error: unknown): HttpError | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNSTORABLE.has(code)
    ? new HttpError(400, 'invalid_text', 'the request holds text the database cannot store (a NUL character)')
    : null;
}
