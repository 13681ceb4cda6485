/**
 * The dashboard session cookie: parsing the Cookie header and writing Set-Cookie.
 * Always HttpOnly, SameSite=Strict, Path=/. Over https (directly, or behind a proxy
 * trusted with SESSION_GUARD_TRUST_PROXY) it is also Secure and named with the
 * `__Host-` prefix, so a sibling subdomain cannot plant one; plain http on loopback keeps
 * working with the unprefixed name.
 */
import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'sg_session';
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** https as the browser sees it: the socket's TLS, or X-Forwarded-Proto from a trusted proxy. */
export function isSecureRequest(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}

/** The session cookie's value; over https only the `__Host-` one counts. */
export function readSessionCookie(req: FastifyRequest): string | undefined {
  return readCookie(req.headers.cookie, isSecureRequest(req) ? SECURE_SESSION_COOKIE : SESSION_COOKIE);
}

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  const name = secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
  const attrs = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (secure) attrs.push('Secure');
  return attrs.join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
