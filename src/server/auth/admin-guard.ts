/**
 * The one gate in front of every admin route (issue 11): the admin API, the Tor exit
 * list, the dashboard's signed-in pages and /metrics all call `requireAdmin` on their
 * plugin scope, so who may do what is decided in one place, with one error code per
 * failure (docs/api.md, "Authentication"):
 *
 * - 401 `unauthorized`: no credential, or one that is unknown, revoked or expired, or of
 *   a kind this scope does not take (the dashboard takes only its session cookie,
 *   /metrics only a bearer token);
 * - 403 `insufficient_scope`: a `read` token asking to change something (issue #10). It
 *   is decided by method, not by a list of routes, so a new route cannot forget it, and
 *   it is refused before the body is read: nothing is stored, not even the token's
 *   last-used time (admin-auth.ts);
 * - 403 `csrf_failed`: a state-changing request made with the session cookie without the
 *   page's CSRF token from the dashboard's own origin (csrf.ts). Bearer requests carry no
 *   ambient credential and need none. Checked once the body is parsed (a form's `_csrf`
 *   field) and before it is validated, so a forged request learns nothing about the schema.
 *
 * The JSON answer is the usual `{ error, message }`; a scope that speaks HTML (the
 * dashboard) passes `refuse` to render the same decision as a page or a redirect.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context';
import { HttpError } from '../http/http-error';
import { authenticateAdmin, type AdminPrincipal } from './admin-auth';
import { csrfValid, isUnsafeMethod } from './csrf';

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminPrincipal;
  }
}

/** Every way the gate refuses, with its status and the message a caller can act on. */
export const ADMIN_REFUSALS = {
  unauthorized: { status: 401, message: 'send Authorization: Bearer <token> or sign in to the dashboard' },
  insufficient_scope: {
    status: 403,
    message:
      'this token has the read scope: it can read and export, not change anything (create an admin token with session-guard token create --scope admin)',
  },
  csrf_failed: { status: 403, message: "send the page's x-csrf-token header from the dashboard's own origin" },
} as const;
export type AdminRefusal = keyof typeof ADMIN_REFUSALS;

export interface AdminGuardOptions {
  /** Which credential this scope takes: either (default), the session cookie, or a bearer token. */
  accept?: 'any' | 'session' | 'token';
  /** A different message for `unauthorized` (the code stays). */
  unauthorizedMessage?: string;
  /**
   * Answers a refusal itself (an HTML page, a redirect) or decorates the reply and returns
   * undefined, in which case the JSON error is thrown as usual.
   */
  refuse?: (req: FastifyRequest, reply: FastifyReply, refusal: AdminRefusal) => FastifyReply | undefined;
}

export function mayChangeState(principal: AdminPrincipal): boolean {
  return principal.scope === 'admin';
}

/** Who is asking, or why not; CSRF is not decided here (it needs the parsed body). */
export async function admitAdmin(
  ctx: Pick<AppContext, 'db' | 'now'>,
  req: FastifyRequest,
  accept: AdminGuardOptions['accept'] = 'any',
): Promise<AdminPrincipal | AdminRefusal> {
  const principal = await authenticateAdmin(ctx.db, req, ctx.now());
  if (!principal || (accept !== 'any' && principal.kind !== accept)) return 'unauthorized';
  if (isUnsafeMethod(req.method) && !mayChangeState(principal)) return 'insufficient_scope';
  return principal;
}

/** True when this principal's request needs, and lacks, a valid CSRF token. */
export function failsCsrf(req: FastifyRequest, principal: AdminPrincipal): boolean {
  return principal.kind === 'session' && isUnsafeMethod(req.method) && !csrfValid(req, principal.csrfToken);
}

export function requireAdmin(app: FastifyInstance, ctx: AppContext, options: AdminGuardOptions = {}): void {
  const refuse = (req: FastifyRequest, reply: FastifyReply, refusal: AdminRefusal) => {
    const answered = options.refuse?.(req, reply, refusal);
    if (answered) return answered;
    const message =
      refusal === 'unauthorized' && options.unauthorizedMessage
        ? options.unauthorizedMessage
        : ADMIN_REFUSALS[refusal].message;
    throw new HttpError(ADMIN_REFUSALS[refusal].status, refusal, message);
  };
  app.addHook('onRequest', async (req, reply) => {
    const admitted = await admitAdmin(ctx, req, options.accept);
    if (typeof admitted === 'string') return refuse(req, reply, admitted);
    req.admin = admitted;
  });
  app.addHook('preValidation', async (req, reply) => {
    if (req.admin && failsCsrf(req, req.admin)) return refuse(req, reply, 'csrf_failed');
  });
}
