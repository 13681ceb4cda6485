/**
 * The Slack session as the browser holds it: the `d` cookie on .slack.com (named only by a
 * keyed hash, never sent), its `d-s` timestamp, and the sign-in navigations that should
 * precede a new session. A `d` that appears or changes with no sign-in before it is what
 * pass-the-cookie looks like from here; the backend decides.
 */
import { browser, type Browser } from 'wxt/browser';
import { signinRequestHandler } from './request-handlers';
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

export function watchSessionCookie(
  sink: SignalSink,
  state: SessionState,
  hash: (value: string) => Promise<string>,
): void {
  browser.webRequest.onBeforeRequest.addListener(
    signinRequestHandler(sink, (at) => void state.setLastSigninAt(at)),
    { urls: ['https://slack.com/*', 'https://*.slack.com/*'], types: ['main_frame'] },
  );

  browser.cookies.onChanged.addListener(({ removed, cookie, cause }) => {
    if (!isSlackSessionCookie(cookie)) return;
    if (removed && cause === 'overwrite') return; // the add that follows reports it
    void (async () => {
      const { sessionKey: previous, lastSigninAt } = await state.get();
      if (removed) {
        await state.setSessionKey(null);
        void sink.record({ type: 'session_cookie', change: 'removed', lastSigninAt }, { sessionKey: previous });
        return;
      }
      const sessionKey = await hash(cookie.value);
      if (sessionKey === previous) return;
      await state.setSessionKey(sessionKey);
      void sink.record(
        {
          type: 'session_cookie',
          change: previous ? 'changed' : 'appeared',
          dsTimestamp: await dsTimestamp(),
          lastSigninAt,
        },
        { urgent: true, sessionKey },
      );
    })().catch((error) => console.warn('session-guard: session change not recorded:', (error as Error).message));
  });
}

/** At start: the session already in the browser, reported once so the backend can bind it. */
export async function reportCurrentSession(
  sink: SignalSink,
  state: SessionState,
  hash: (value: string) => Promise<string>,
): Promise<void> {
  const cookies = await browser.cookies.getAll({ domain: 'slack.com', name: 'd' });
  const d = cookies.find(isSlackSessionCookie);
  const { sessionKey: previous, lastSigninAt } = await state.get();
  const sessionKey = d ? await hash(d.value) : null;
  if (sessionKey === previous) return;
  await state.setSessionKey(sessionKey);
  if (sessionKey) {
    void sink.record(
      { type: 'session_cookie', change: 'present', dsTimestamp: await dsTimestamp(), lastSigninAt },
      { sessionKey },
    );
  }
}
