/**
 * The current Slack session's keyed hash and the last sign-in navigation, in
 * storage.session: it survives service-worker restarts within a browser session and is
 * readable only by the extension's own trusted contexts.
 */
import { browser } from 'wxt/browser';
import type { SessionState } from './collectors/session-cookie';

const KEY = 'slackSession';

interface Stored {
  sessionKey: string | null;
  lastSigninAt: number | null;
}

export function storageSessionState(): SessionState {
  let cache: Stored | undefined;
  const get = async (): Promise<Stored> => {
    if (cache) return cache;
    const raw = (await browser.storage.session.get(KEY))[KEY] as Partial<Stored> | undefined;
    cache = {
      sessionKey: typeof raw?.sessionKey === 'string' ? raw.sessionKey : null,
      lastSigninAt: typeof raw?.lastSigninAt === 'number' ? raw.lastSigninAt : null,
    };
    return cache;
  };
  const set = async (patch: Partial<Stored>) => {
    cache = { ...(await get()), ...patch };
    await browser.storage.session.set({ [KEY]: cache });
  };
  return {
    get,
    setSessionKey: (sessionKey) => set({ sessionKey }),
    setLastSigninAt: (lastSigninAt) => set({ lastSigninAt }),
  };
}
