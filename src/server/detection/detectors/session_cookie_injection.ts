/**
 * session_cookie_injection: the Slack session cookie `d` appears or changes with no
 * completed sign-in to Slack before it: a cookie imported into the browser, as
 * infostealer and pass-the-cookie tooling does (DevTools protocol, cookie editors, a
 * profile's cookie store written to). A sign-in counts only once Slack's own answer in the
 * flow set `d` (issue #10; a navigation that merely started proves nothing), when the
 * device saw one (the signal's `lastSigninAt`, or a stored `signin_navigation` with step
 * `completed`) at most SIGNIN_MAX_AGE_MS
 * before the change, and one sign-in vouches for one session: when another session change
 * came between that sign-in and this one, it counts only if this change is still part of
 * the same sign-in flow (within SAME_FLOW_MS of it, which may set the cookie twice).
 * `present` (the cookie found at start-up, e.g. after a browser restart) is not a change
 * and never fires; a session copied in that way is session_fingerprint's to catch.
 * With the session vault on (issue #13) Slack's responses never reach the cookie store, so
 * a `d` the device found there (`outsideVault`) is foreign whatever sign-in came before.
 */
import { defineDetector } from '../define-detector';

/** Sign-in through SSO with MFA, or a magic link from email, can take a while. */
export const SIGNIN_MAX_AGE_MS = 30 * 60_000;
/** Cookie writes of one sign-in flow (signin, checkcookie) land within this of the sign-in. */
export const SAME_FLOW_MS = 60_000;
/** Cookie events and navigations are stamped by different listeners on the same clock. */
const SKEW_MS = 5_000;

export default defineDetector({
  id: 'session_cookie_injection',
  title: 'Slack session cookie injected without a sign-in',
  severity: 'critical',
  attack: ['T1550.004', 'T1539'],
  runbook:
    'A Slack session cookie was placed in this browser without signing in: a stolen session in use. ' +
    'Reset the user\u2019s Slack sessions (admin.users.session.reset), then check the device for infostealer malware ' +
    'and the browser for cookie-editing extensions.',
  lookbackMs: () => SIGNIN_MAX_AGE_MS,
  detect(state, event) {
    const signal = event.signal;
    if (signal.type !== 'session_cookie' || (signal.change !== 'appeared' && signal.change !== 'changed')) return null;
    const at = signal.at;
    const previousChange = state.sessionCookieEvents
      .filter((e) => e.id !== signal.id && e.change !== 'present' && e.at < at)
      .reduce((latest, e) => Math.max(latest, e.at), -Infinity);
    const candidates = [signal.lastSigninAt, ...state.signins].filter(
      (t): t is number => t !== null && t <= at + SKEW_MS,
    );
    const lastSignin = candidates.length ? Math.max(...candidates) : null;
    const recent = lastSignin !== null && lastSignin >= at - SIGNIN_MAX_AGE_MS;
    const usedUp = lastSignin !== null && previousChange > lastSignin && at - lastSignin > SAME_FLOW_MS;
    if (recent && !usedUp && !signal.outsideVault) return null;
    const why = signal.outsideVault
      ? 'it was found in the cookie store while the session vault keeps Slack’s own session out of it'
      : lastSignin === null
        ? 'no sign-in navigation was seen in this browser'
        : `the last sign-in navigation was ${Math.round((at - lastSignin) / 1000)} s before it${
            usedUp ? ', and another session change came since' : ''
          }`;
    return {
      summary: `the Slack session cookie ${signal.change} and ${why}`,
      evidence: {
        change: signal.change,
        cookieAt: at,
        lastSigninAt: lastSignin,
        previousSessionChangeAt: Number.isFinite(previousChange) ? previousChange : null,
        signinMaxAgeSeconds: SIGNIN_MAX_AGE_MS / 1000,
      },
    };
  },
});
