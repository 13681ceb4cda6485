/**
 * The `asn` detector's indicator list (issue #14, policy `detectors.asn.iocList`): a file
 * of addresses, CIDRs and AS numbers (`AS64500` or `64500`), one a line, `#` comments.
 * Read by the engine, never by the detector: re-read when the file's modification time
 * changes, the last good copy kept when a re-read fails. Content that is mostly not
 * indicators (an HTML page, the wrong file) is refused whole. AS numbers match through the
 * IP-to-ASN data set (src/server/asn/).
 *
 * An `http(s)://` list (a threat feed) is fetched as the Tor list is (size cap, timeout)
 * and re-fetched hourly in the background, never on a batch's path once loaded: a batch
 * uses the copy in memory. Only the very first use waits for it, at most
 * IOC_FIRST_FETCH_WAIT_MS, so that a feed set a moment ago already counts; a feed that is
 * down keeps its last good copy.
 */
import { readFileSync, statSync } from 'node:fs';
import { isUrl, readSource } from '../tor/exit-list-source';
import { canonicalIp } from './net/ip';

/** A feed is fetched again this long after its last fetch (good or not). */
export const IOC_REFRESH_MS = 3_600_000;
/** The first batch to need a feed waits this long for it; later ones never wait. */
export const IOC_FIRST_FETCH_WAIT_MS = 2_000;

export interface IocListView {
  source: string;
  /** Addresses as /32 or /128, and CIDRs, canonical. One array per load (net/ip.ts caches by it). */
  cidrs: readonly string[];
  asns: readonly number[];
  loadedAt: number;
}

export function parseIocList(text: string): { cidrs: string[]; asns: number[] } {
  const cidrs: string[] = [];
  const asns: number[] = [];
  let bad = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const asn = /^(?:AS)?(\d{1,10})$/i.exec(line);
    if (asn && Number(asn[1]) <= 4_294_967_295 && !line.includes('.')) {
      asns.push(Number(asn[1]));
      continue;
    }
    const [address, bits, extra] = line.split('/');
    const ip = canonicalIp(address ?? '');
    const max = ip?.includes(':') ? 128 : 32;
    const prefix = bits === undefined ? max : Number(bits);
    if (!ip || extra !== undefined || !/^\d{1,3}$/.test(String(prefix)) || prefix > max) {
      bad++;
      continue;
    }
    cidrs.push(`${ip}/${prefix}`);
  }
  const good = cidrs.length + asns.length;
  if (good === 0 || bad > good) throw new Error(`not an indicator list: ${bad} of ${good + bad} lines unreadable`);
  return { cidrs, asns };
}

const cache = new Map<string, { mtimeMs: number; view: IocListView }>();

/** The list in a file, or null with nothing to match; failures keep the last good copy. */
function fileListAt(source: string, now: number): IocListView | null {
  const cached = cache.get(source);
  try {
    const { mtimeMs } = statSync(source);
    if (cached && cached.mtimeMs === mtimeMs) return cached.view;
    const view = { source, ...parseIocList(readFileSync(source, 'utf8')), loadedAt: now };
    cache.set(source, { mtimeMs, view });
    return view;
  } catch {
    return cached?.view ?? null;
  }
}

interface Feed {
  view: IocListView | null;
  fetchedAt: number;
  inFlight: Promise<void> | null;
  lastError: string | null;
}
const feeds = new Map<string, Feed>();

function refreshFeed(source: string, feed: Feed, now: number, fetchImpl: typeof fetch): Promise<void> {
  feed.fetchedAt = now;
  feed.inFlight ??= readSource(source, fetchImpl)
    .then(({ text }) => {
      feed.view = { source, ...parseIocList(text), loadedAt: Date.now() };
      feed.lastError = null;
    })
    .catch((error: Error) => {
      feed.lastError = error.message;
    })
    .finally(() => {
      feed.inFlight = null;
    });
  return feed.inFlight;
}

/** The feed's state, for tests and status: the copy in use and the last fetch's error. */
export function iocFeedStatus(source: string): { loaded: boolean; entries: number; lastError: string | null } | null {
  const feed = feeds.get(source);
  if (!feed) return null;
  return {
    loaded: feed.view !== null,
    entries: (feed.view?.cidrs.length ?? 0) + (feed.view?.asns.length ?? 0),
    lastError: feed.lastError,
  };
}

/** The list at `source` (a file path or an http(s) URL), or null with nothing to match. */
export async function iocListAt(
  source: string,
  now: number,
  fetchImpl: typeof fetch = fetch,
): Promise<IocListView | null> {
  if (!isUrl(source)) return fileListAt(source, now);
  let feed = feeds.get(source);
  if (!feed) {
    feed = { view: null, fetchedAt: 0, inFlight: null, lastError: null };
    feeds.set(source, feed);
    const first = refreshFeed(source, feed, now, fetchImpl);
    await Promise.race([first, new Promise((resolve) => setTimeout(resolve, IOC_FIRST_FETCH_WAIT_MS).unref())]);
    return feed.view;
  }
  if (now - feed.fetchedAt >= IOC_REFRESH_MS) void refreshFeed(source, feed, now, fetchImpl);
  return feed.view;
}

/** Forgets every loaded list (tests). */
export function forgetIocListsForTests(): void {
  cache.clear();
  feeds.clear();
}
