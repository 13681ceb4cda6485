/**
 * What a token's scope allows (issue #10). A `read` token, what a SIEM gets, may read and
 * export: GET (and HEAD) on the admin API. Anything else (policy, tokens, webhooks,
 * devices, the Slack connection, refreshing the Tor list, and every route added later) is
 * refused with 403 `insufficient_scope` before its handler runs, so nothing is stored.
 * Deciding by method rather than by a list of routes means a new route cannot forget it.
 */
import { HttpError } from '../http/http-error';
import type { AdminPrincipal } from './admin-auth';
import { isUnsafeMethod } from './csrf';

export const INSUFFICIENT_SCOPE = 'insufficient_scope';

export function mayChangeState(principal: AdminPrincipal): boolean {
  return principal.scope === 'admin';
}

/** Throws 403 when the principal may not make this request. */
export function requireScopeFor(method: string, principal: AdminPrincipal): void {
  if (isUnsafeMethod(method) && !mayChangeState(principal)) {
    throw new HttpError(
      403,
      INSUFFICIENT_SCOPE,
      `this token has the ${principal.scope} scope: it can read and export, not change anything (create an admin token with session-guard token create --scope admin)`,
    );
  }
}
