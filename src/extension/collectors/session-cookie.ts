/**
 * The Slack session as the browser holds it: the `d` cookie on .slack.com (named only by a
 * keyed hash, never sent), its `d-s` timestamp, and the sign-ins that should precede a
 * new session. A sign-in counts once Slack's own response set `d` (issue #10), not when a
 * navigation to /signin merely started. A `d` that appears or changes with no completed
 * sign-in before it is what pass-the-cookie looks like from here; the backend decides.
 */
import { browser, type Browser } from 'wxt/browser';
import { sessionSetHandler, signinRequestHandler } from './request-handlers';
import type { SignalSink } from './types';

type Cookie = Browser.cookies.Cookie;

export interface SessionState {
  /** The current session's keyed hash, or null when signed out. */
  get(): Promise<{ sessionKey: string | null; lastSigninAt: number | null }>;
  setSessionKey(key: string | null): Promise<void>;
  setLastSigninAt(at: number): Promise<void>;
}

export function isSlackSessionCookie(cookie: Pick<Cookie, 'name' | 'domain'>): boolean {
  return cookie.name === 'd' && (cookie.domain === '.slack.com' || cookie.domain === 'slack.com');
}

async function dsTimestamp(): Promise<number | null> {
  const ds = await browser.cookies.get({ url: 'https://slack.com/', name: 'd-s' });
  const value = ds ? Number.parseInt(ds.value, 10) : NaN;
  return Number.isFinite(value) ? value : null;
}

const SLACK_URLS = ['https://slack.com/*', 'https://*.slack.com/*'];
/**
 * Chromium stores a response's cookies before it tells extensions about the headers, so
 * the cookie change may come first: it waits this long for Slack's answer to be seen.
 */
export const SIGNIN_WAIT_MS = 1_000;
/** A completed sign-in this recent already accounts for the change. */
const SIGNIN_FRESH_MS = 10_000;

/** Completed sign-ins seen in this worker's life, so a cookie change can wait for one. */
function signinMarks(state: SessionState) {
  const waiters = new Set<(at: number | null) => void>();
  // Kept in memory too: at a cold start the storage write may not have landed when the
  // cookie change reads the state.
  let last: number | null = null;
  return {
    mark(at: number) {
      last = at;
      void state.setLastSigninAt(at);
      for (const wake of waiters) wake(at);
    },
    /** The time of a sign-in seen within SIGNIN_FRESH_MS, or one that completes within `ms`, else null. */
    wait(ms: number): Promise<number | null> {
      if (last !== null && last >= Date.now() - SIGNIN_FRESH_MS) return Promise.resolve(last);
      return new Promise((resolve) => {
        const wake = (at: number | null) => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(at);
        };
        const timer = setTimeout(() => wake(null), ms);
        waiters.add(wake);
      });
    },
  };
}

/** `extraHeaders` (Chromium) is what makes Set-Cookie visible; Firefox shows it without. */
function headerOptions(): string[] {
  const extra = (browser.webRequest as { OnHeadersReceivedOptions?: { EXTRA_HEADERS?: string } })
    .OnHeadersReceivedOptions?.EXTRA_HEADERS;
  return extra ? ['responseHeaders', extra] : ['responseHeaders'];
}

/** Issue #13: the session vault, which moves `d` out of the store and reports it itself. */
export interface VaultView {
  owns(value: string): boolean;
  active(): boolean;
  current(): Promise<string | null>;
}

export function watchSessionCookie(
  sink: SignalSink,
  state: SessionState,
  hash: (value: string) => Promise<string>,
  vault?: VaultView,
): { sessionChanged(value: string | null): void } {
  const signins = signinMarks(state);
  browser.webRequest.onBeforeRequest.addListener(signinRequestHandler(sink), {
    urls: SLACK_URLS,
    types: ['main_frame'],
  });
  browser.webRequest.onHeadersReceived.addListener(
    sessionSetHandler(sink, (at) => signins.mark(at)),
    { urls: SLACK_URLS, types: ['main_frame', 'sub_frame', 'xmlhttprequest', 'other'] },
    headerOptions() as Parameters<typeof browser.webRequest.onHeadersReceived.addListener>[2],
  );

  const changed = (removed: boolean, value: string, foreign = false) =>
    void (async () => {
      const changedAt = Date.now();
      const current = await state.get();
      const { sessionKey: previous } = current;
      let { lastSigninAt } = current;
      // Issue #13: with the vault on, Slack's own responses never reach the store, so a
      // sign-in vouches for no `d` found there.
      if (foreign) lastSigninAt = null;
      else if (!removed && (lastSigninAt === null || lastSigninAt < changedAt - SIGNIN_FRESH_MS)) {
        lastSigninAt = (await signins.wait(SIGNIN_WAIT_MS)) ?? lastSigninAt;
      }
      if (removed) {
        await state.setSessionKey(null);
        void sink.record({ type: 'session_cookie', change: 'removed', lastSigninAt }, { sessionKey: previous });
        return;
      }
      const sessionKey = await hash(value);
      if (sessionKey === previous) return;
      await state.setSessionKey(sessionKey);
      void sink.record(
        {
          type: 'session_cookie',
          change: previous ? 'changed' : 'appeared',
          dsTimestamp: await dsTimestamp(),
          lastSigninAt,
          ...(foreign ? { outsideVault: true as const } : {}),
        },
        { urgent: true, sessionKey },
      );
    })().catch((error) => console.warn('session-guard: session change not recorded:', (error as Error).message));

  browser.cookies.onChanged.addListener(({ removed, cookie, cause }) => {
    if (!isSlackSessionCookie(cookie)) return;
    if (removed && cause === 'overwrite') return; // the add that follows reports it
    if (vault?.owns(cookie.value)) return; // the vault moving its own `d`: it reports the session
    changed(removed, cookie.value, !removed && (vault?.active() ?? false));
  });
  return { sessionChanged: (value) => changed(value === null, value ?? '') };
}

/** At start: the session already in the browser, reported once so the backend can bind it. */
export async function reportCurrentSession(
  sink: SignalSink,
  state: SessionState,
  hash: (value: string) => Promise<string>,
  vault?: VaultView,
): Promise<void> {
  const cookies = await browser.cookies.getAll({ domain: 'slack.com', name: 'd' });
  const d = cookies.find(isSlackSessionCookie)?.value ?? (await vault?.current()) ?? null;
  const { sessionKey: previous, lastSigninAt } = await state.get();
  const sessionKey = d ? await hash(d) : null;
  if (sessionKey === previous) return;
  await state.setSessionKey(sessionKey);
  if (sessionKey) {
    void sink.record(
      { type: 'session_cookie', change: 'present', dsTimestamp: await dsTimestamp(), lastSigninAt },
      { sessionKey },
    );
  }
}
