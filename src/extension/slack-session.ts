/**
 * Ending the Slack session on this device: every Slack cookie in every cookie store
 * (the `d` session cookie first), then Slack's site data (localStorage holds the `xoxc`
 * token, which `d` alone can re-mint, so both go), then the open Slack tabs.
 */
import { browser, type Browser } from 'wxt/browser';
import { hostOf, isSlackFileHost, isSlackHost, SLACK_PAGE_PATTERNS, slackOrigins } from './slack-hosts';

type Cookie = Browser.cookies.Cookie;
/** What a clear removes, listed ahead of it (issue #16: beside the enforcer's own reads). */
export type SlackCookies = Cookie[];

function cookieUrl(cookie: Cookie): string {
  const host = cookie.domain.replace(/^\./, '');
  return `https://${host}${cookie.path || '/'}`;
}

/**
 * Firefox keeps cookies apart by first party (when `privacy.firstparty.isolate` is on,
 * `getAll` throws without `firstPartyDomain`) and by top-level site (Total Cookie
 * Protection): `firstPartyDomain: null` and `partitionKey: {}` ask for every one of them,
 * and a removal names the same keys the cookie came with. Chromium takes neither.
 */
const everyPartition = (): object => (import.meta.env.FIREFOX ? { firstPartyDomain: null, partitionKey: {} } : {});
const partitionOf = (c: Cookie): object =>
  import.meta.env.FIREFOX
    ? { firstPartyDomain: (c as any).firstPartyDomain, partitionKey: (c as any).partitionKey ?? undefined }
    : {};

/**
 * Every Slack cookie in every cookie store. The worker's own store (the default one) is
 * listed while the stores are enumerated, and only stores it did not cover are listed
 * after (incognito, containers): one round trip fewer before a verdict's clear (issue #16).
 */
export async function listSlackCookies(): Promise<SlackCookies> {
  const list = (storeId?: string) =>
    Promise.all(
      ['slack.com', 'slack-files.com'].map((domain) =>
        browser.cookies.getAll({ domain, ...(storeId ? { storeId } : {}), ...everyPartition() }),
      ),
    ).then((lists) => lists.flat());
  const [stores, own] = await Promise.all([browser.cookies.getAllCookieStores(), list()]);
  const covered = new Set(own.map((c) => c.storeId));
  const rest = await Promise.all(stores.filter((s) => !covered.has(s.id)).map((s) => list(s.id)));
  return [...own, ...rest.flat()].filter((c) => {
    const host = c.domain.replace(/^\./, '');
    return isSlackHost(host) || isSlackFileHost(host);
  });
}

const isSessionCookie = (c: Cookie) => c.name === 'd' && c.domain.replace(/^\./, '') === 'slack.com';

export interface ClearedCookies {
  cleared: number;
  hosts: string[];
  /**
   * The `d` value as it was, for signing out at Slack right after (issue #12): held in
   * memory for that one call, never stored, logged or sent to the backend.
   */
  sessionCookie: string | null;
  /** When every `d` was gone (the session ended here), or null when there was none. */
  sessionRemovedAt: number | null;
}

/**
 * Removes every Slack cookie (as `listed`, by default listed now); resolves when they are
 * gone. Returns how many there were.
 * `beforeRemoving` gets `d` once it is read and before anything is removed, so a worker
 * killed mid-clear has already handed it on (issue #17: enforcer.ts holds it for the sign-out).
 */
export async function clearSlackCookies(
  beforeRemoving?: (sessionCookie: string | null) => Promise<void>,
  listed: Promise<SlackCookies> = listSlackCookies(),
): Promise<ClearedCookies> {
  const cookies = await listed;
  const session = cookies.find(isSessionCookie);
  await beforeRemoving?.(session?.value ?? null);
  // The session cookie goes first: the moment it is gone, the session is unusable here.
  cookies.sort((a, b) => Number(isSessionCookie(b)) - Number(isSessionCookie(a)));
  const removals = cookies.map((c) =>
    browser.cookies.remove({ url: cookieUrl(c), name: c.name, storeId: c.storeId, ...partitionOf(c) }),
  );
  const sessions = removals.filter((_, i) => isSessionCookie(cookies[i]!));
  let sessionRemovedAt: number | null = null;
  const sessionGone = Promise.all(sessions).then(() => {
    if (sessions.length > 0) sessionRemovedAt = Date.now();
  });
  await Promise.all([...removals, sessionGone]);
  return {
    cleared: cookies.length,
    hosts: cookies.map((c) => c.domain),
    sessionCookie: session?.value ?? null,
    sessionRemovedAt,
  };
}

/**
 * What browsingData.remove gets. Chromium scopes removal by origin and clears every
 * storage kind; Firefox scopes by host name and supports it for fewer kinds.
 */
export function siteDataRemoval(origins: string[], firefox: boolean) {
  if (firefox) {
    return {
      options: { hostnames: origins.map((o) => new URL(o).hostname) },
      dataTypes: { cookies: true, localStorage: true, indexedDB: true, serviceWorkers: true },
    };
  }
  return {
    options: { origins },
    dataTypes: {
      cookies: true,
      localStorage: true,
      indexedDB: true,
      cacheStorage: true,
      serviceWorkers: true,
      fileSystems: true,
    },
  };
}

/** Slack's localStorage, IndexedDB, caches and service workers, then reload its tabs. */
export async function clearSlackSiteData(cookieHosts: string[], landingUrl: string | null): Promise<void> {
  const tabs = await browser.tabs.query({ url: SLACK_PAGE_PATTERNS });
  const tabHosts = tabs.map((t) => (t.url ? hostOf(t.url) : null)).filter((h): h is string => Boolean(h));
  const { options, dataTypes } = siteDataRemoval(slackOrigins([...cookieHosts, ...tabHosts]), import.meta.env.FIREFOX);
  await browser.browsingData.remove(options as never, dataTypes);
  await Promise.all(
    tabs.map((tab) =>
      tab.id === undefined
        ? undefined
        : landingUrl
          ? browser.tabs.update(tab.id, { url: landingUrl })
          : browser.tabs.reload(tab.id),
    ),
  );
}
