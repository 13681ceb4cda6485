/**
 * The client fingerprint, gathered once a browser session and kept in storage.session:
 * worker components from the service worker, page components (screen, WebGL) from an
 * offscreen document that lives only as long as one read. No content script is involved
 * (issue #4). On Firefox the background page has a DOM, so it reads them itself.
 */
import { browser } from 'wxt/browser';
import { ClientFingerprint } from '@/src/shared/protocol';
import { readPageComponents, type PageComponents } from './page-components';
import { readWorkerComponents, type NavigatorLike } from './worker-components';

export const PAGE_COMPONENTS_REQUEST = 'session-guard:page-components';
const OFFSCREEN_PATH = '/offscreen.html';
const CACHE_KEY = 'fingerprint';
const NO_PAGE: PageComponents = { screen: null, webgl: null };
const PageReply = ClientFingerprint.pick({ screen: true, webgl: true });

interface OffscreenApi {
  createDocument(options: { url: string; reasons: string[]; justification: string }): Promise<void>;
  closeDocument(): Promise<void>;
}

let reading: Promise<PageComponents> | undefined;

async function fromOffscreenDocument(offscreen: OffscreenApi): Promise<PageComponents> {
  await offscreen.createDocument({
    url: OFFSCREEN_PATH,
    // No reason names "read the screen size and GPU"; MATCH_MEDIA (display characteristics)
    // is the closest honest one. See docs/permissions.md.
    reasons: ['MATCH_MEDIA'],
    justification: 'Reads the screen size and WebGL renderer for the device fingerprint; no page content.',
  });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return PageReply.parse(await browser.runtime.sendMessage({ type: PAGE_COMPONENTS_REQUEST }));
      } catch (error) {
        // The document's listener may not be registered yet on a slow start.
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
      }
    }
  } finally {
    await offscreen.closeDocument().catch(() => undefined);
  }
}

export function pageComponents(): Promise<PageComponents> {
  if (typeof document !== 'undefined' && typeof window !== 'undefined')
    return Promise.resolve(readPageComponents(window));
  const offscreen = (globalThis as { chrome?: { offscreen?: OffscreenApi } }).chrome?.offscreen;
  if (!offscreen) return Promise.resolve(NO_PAGE);
  reading ??= fromOffscreenDocument(offscreen)
    .catch((error) => {
      console.warn('session-guard: page components unavailable:', (error as Error).message);
      return NO_PAGE;
    })
    .finally(() => (reading = undefined));
  return reading;
}

export async function collectFingerprint(
  page: () => Promise<PageComponents> = pageComponents,
  nav: NavigatorLike = navigator as unknown as NavigatorLike,
): Promise<ClientFingerprint> {
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [worker, pageParts] = await Promise.all([readWorkerComponents(nav, timezone), page()]);
  return ClientFingerprint.parse({ ...worker, ...pageParts });
}

/** The fingerprint for this browser session, computed at most once (concurrent callers share it). */
export function fingerprintSource(collect: () => Promise<ClientFingerprint> = collectFingerprint) {
  let pending: Promise<ClientFingerprint> | undefined;
  const load = async () => {
    const cached = ClientFingerprint.safeParse((await browser.storage.session.get(CACHE_KEY))[CACHE_KEY]);
    if (cached.success) return cached.data;
    const fresh = await collect();
    await browser.storage.session.set({ [CACHE_KEY]: fresh });
    return fresh;
  };
  return {
    get(): Promise<ClientFingerprint> {
      pending ??= load().catch((error) => {
        pending = undefined;
        throw error;
      });
      return pending;
    },
  };
}
