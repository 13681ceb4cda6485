/**
 * CSRF protection for every state-changing request made with the dashboard's session
 * cookie (issue #5). Two independent checks, both required:
 * - a synchronizer token: HMAC-SHA256 keyed by the session secret itself, so it needs no
 *   storage, differs per session, and cannot be computed without the HttpOnly cookie. Pages
 *   carry it in `<meta name="csrf-token">` and in a hidden `_csrf` field of every form; the
 *   dashboard's script sends it as `x-csrf-token`.
 * - the request's origin: `Sec-Fetch-Site` and `Origin`, when sent, must say same-origin.
 * Bearer-token requests carry no ambient credential and need neither.
 */
import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { constantTimeEqual } from './tokens';

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

export function csrfTokenFor(sessionValue: string): string {
  return createHmac('sha256', sessionValue).update('sg-csrf-v1').digest('base64url');
}

export const isUnsafeMethod = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());

/** The token the request carries: the header, or the `_csrf` field of a form or JSON body. */
function presentedToken(req: FastifyRequest): string | undefined {
  const header = req.headers[CSRF_HEADER];
  if (typeof header === 'string' && header) return header;
  const body = req.body;
  if (body instanceof URLSearchParams) return body.get(CSRF_FIELD) ?? undefined;
  if (body && typeof body === 'object' && typeof (body as Record<string, unknown>)[CSRF_FIELD] === 'string') {
    return (body as Record<string, string>)[CSRF_FIELD];
  }
  return undefined;
}

/** False when a browser says this request comes from another site. */
export function sameOriginRequest(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return false;
  // A browser sends `Origin: null` under a no-referrer policy or from an opaque origin;
  // only Sec-Fetch-Site (checked above) can vouch for such a request.
  if (origin === 'null') return typeof site === 'string';
  if (typeof origin === 'string') {
    try {
      // Both through URL, so a default port (:80, :443) compares equal to none.
      return new URL(origin).host === new URL(`${req.protocol}://${req.host}`).host;
    } catch {
      return false;
    }
  }
  return true;
}

export function csrfValid(req: FastifyRequest, expected: string): boolean {
  const token = presentedToken(req);
  return token !== undefined && constantTimeEqual(token, expected) && sameOriginRequest(req);
}
