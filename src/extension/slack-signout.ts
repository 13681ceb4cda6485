/**
 * Ending the session at Slack itself (issue #12, docs/slack-session.md), after the
 * browser was cleared: a copy of `d` an infostealer already took dies only when Slack
 * ends the session. With the page's `xoxc` token(s) (read from an open Slack tab), Slack's
 * documented `auth.revoke`; without one, the sign-out request Slack's web client sends,
 * which needs only `d`. Then `auth.test` carrying only the old `d` must be refused before
 * the ack says `confirmed`. The whole thing is bounded (a timeout is `failed: timeout`).
 * The credentials live in this call's memory only: never stored, logged or sent anywhere
 * but to Slack; the ack carries Slack's error codes, never a credential.
 */
import type { SlackSignout } from '@/src/shared/protocol';

export type SlackMethod = 'auth.revoke' | 'signout' | 'auth.test';

/** One request to Slack carrying only the old `d` (and the `xoxc` token for auth.revoke). */
export interface SlackCall {
  method: SlackMethod;
  d: string;
  token?: string;
}

/** Slack's answer: `error` is Slack's error code where it gave one. */
export interface SlackAnswer {
  status: number;
  ok: boolean;
  error?: string;
}

export interface SignoutDeps {
  /** Whether the org policy's `deviceSignout` (via the signed device settings) is on. */
  enabled: () => Promise<boolean>;
  /** The `xoxc` tokens open Slack tabs hold, read now; [] with no Slack tab. */
  readTokens: () => Promise<string[]>;
  call: (call: SlackCall) => Promise<SlackAnswer>;
  timeoutMs?: number;
}

export const SIGNOUT_TIMEOUT_MS = 5_000;
/** At most this many workspaces' tokens are revoked (one `d` may carry several). */
const MAX_TOKENS = 5;
/** What Slack answers for a session or token that no longer authenticates. */
export const REFUSED_CODES: ReadonlySet<string> = new Set([
  'invalid_auth',
  'token_revoked',
  'account_inactive',
  'token_expired',
]);

export interface SignoutRun {
  /** Settles once what the sign-out needs from the page has been read: site data may go. */
  captured: Promise<void>;
  result: Promise<SlackSignout>;
}

/** Slack's code when it has the shape of one; anything else is not repeated. */
function code(answer: SlackAnswer): string {
  const candidate = answer.error ?? (answer.ok ? 'ok' : `http_${answer.status}`);
  return /^[a-z][a-z0-9_]{0,63}$/.test(candidate) ? candidate : 'unexpected_answer';
}

async function signOut(deps: SignoutDeps, d: string, tokens: string[]): Promise<SlackSignout> {
  const method = tokens.length > 0 ? 'auth.revoke' : 'signout';
  try {
    if (method === 'auth.revoke') {
      for (const token of tokens.slice(0, MAX_TOKENS)) {
        const answer = await deps.call({ method, d, token });
        if (!answer.ok) return { status: 'failed', method, code: code(answer) };
      }
    } else {
      const answer = await deps.call({ method, d });
      if (answer.status >= 400) return { status: 'failed', method, code: code(answer) };
    }
    const test = await deps.call({ method: 'auth.test', d });
    if (test.ok) return { status: 'failed', method, code: 'session_still_valid' };
    if (test.error && REFUSED_CODES.has(test.error)) return { status: 'confirmed', method };
    // not_authed and the like: Slack did not see the session at all, which proves nothing.
    return { status: 'failed', method, code: code(test) };
  } catch {
    return { status: 'failed', method, code: 'network' };
  }
}

export function startSignout(deps: SignoutDeps, d: string | null): SignoutRun {
  let captured!: () => void;
  const capturedPromise = new Promise<void>((resolve) => (captured = resolve));
  const run = async (): Promise<SlackSignout> => {
    try {
      if (!(await deps.enabled())) return { status: 'skipped', reason: 'policy_off' };
      if (!d) return { status: 'skipped', reason: 'no_session_cookie' };
      const tokens = await deps.readTokens().catch(() => []);
      captured();
      return await signOut(deps, d, [...new Set(tokens)]);
    } finally {
      captured();
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<SlackSignout>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'failed', code: 'timeout' }), deps.timeoutMs ?? SIGNOUT_TIMEOUT_MS);
  });
  const result = Promise.race([run(), timeout]).finally(() => clearTimeout(timer));
  return { captured: Promise.race([capturedPromise, result.then(() => undefined)]), result };
}
