/**
 * Errors a handler throws to answer with a status, a stable machine-readable code and a
 * message a human can act on: `{ error, message, issues? }`.
 */
import type { z } from 'zod';

export interface Issue {
  path: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: Issue[],
    /** More fields for the body (a `stale_request` carries `serverTime`). */
    readonly extra?: { serverTime?: number },
  ) {
    super(message);
  }
}

export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}
