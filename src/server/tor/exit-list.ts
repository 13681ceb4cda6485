/**
 * The Tor exit list the tor detector checks against: loaded from a file or URL at start,
 * refreshed every `refreshSeconds` without a restart, and honest about its state. Its age
 * is that of its content (exit-addresses timestamps, else the file's mtime or HTTP
 * Last-Modified, else when it was fetched); past `staleAfterSeconds` it is `stale`. A
 * failed or empty refresh keeps the previous list and says so in `error`; with no list
 * at all the status is `loading`, `error` or `empty` (and with no source configured there
 * is no list object: `unconfigured`), and the detector cannot fire. /readyz,
 * GET /api/tor-exit-list, /metrics and the startup banner all show it.
 *
 * With `lastGoodFile` (a URL source, issue #11), each good fetch is saved there and read
 * back at start, before the network answers; until a fetch succeeds that copy is `stale`
 * whatever its age, and `origin` says it is the saved copy. With `background`, `start()`
 * does not wait for the source: start-up never waits on the network.
 */
import type { TorListView } from '../detection/define-detector';
import { looksLikeExitList, parseExitList, type ExitListFormat } from './exit-list-parse';
import { readSource, type SourceContent } from './exit-list-source';
import { readLastGood, saveLastGood } from './last-good';

export const TOR_LIST_STATUSES = ['loading', 'fresh', 'stale', 'empty', 'error'] as const;
export type TorListStatusName = (typeof TOR_LIST_STATUSES)[number];

/** A superset of the dashboard's TorListStatus (app-context.ts). */
export interface TorListStatus {
  status: TorListStatusName;
  /** True unless `fresh`: a stale, empty or missing list is never presented as good. */
  stale: boolean;
  source: string;
  format: ExitListFormat | null;
  entries: number;
  /** When the content was current, epoch ms. */
  asOf: number | null;
  ageSeconds: number | null;
  /** Last successful load (server clock). */
  loadedAt: number | null;
  lastAttemptAt: number | null;
  /** Why the last attempt failed (the previous list, if any, stays in use). */
  error: string | null;
  refreshSeconds: number;
  staleAfterSeconds: number;
  /** Whether the list in use came from the source or from the saved last good copy. */
  origin: 'source' | 'last-good' | null;
}

export interface TorExitListOptions {
  /** A file path or an http(s) URL. */
  source: string;
  refreshSeconds?: number;
  staleAfterSeconds?: number;
  now?: () => number;
  read?: (source: string, signal?: AbortSignal) => Promise<SourceContent>;
  /** Where a URL source's last good copy is kept and read back at start. */
  lastGoodFile?: string;
  /** `start()` resolves at once instead of after the first load. */
  background?: boolean;
  /** After a failed attempt, try again this soon rather than at the next refresh (default min(300, refresh)). */
  retrySeconds?: number;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface TorExitList {
  /** Loads once; resolves when that attempt is over (never rejects). */
  start(): Promise<TorListStatus>;
  stop(): void;
  refresh(): Promise<TorListStatus>;
  status(now?: number): TorListStatus;
  /** What the detector checks against, or null when there is nothing to check. */
  view(now: number): TorListView | null;
}

export const DEFAULT_REFRESH_SECONDS = 3600;
export const DEFAULT_STALE_AFTER_SECONDS = 86_400;

interface Loaded {
  addresses: ReadonlySet<string>;
  format: ExitListFormat;
  asOf: number;
  loadedAt: number;
  origin: 'source' | 'last-good';
}

export function createTorExitList(options: TorExitListOptions): TorExitList {
  const source = options.source;
  const refreshSeconds = options.refreshSeconds ?? DEFAULT_REFRESH_SECONDS;
  const staleAfterSeconds = options.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS;
  const now = options.now ?? Date.now;
  const read = options.read ?? ((s: string, signal?: AbortSignal) => readSource(s, fetch, signal));
  const stopping = new AbortController();
  let loaded: Loaded | null = null;
  let lastAttemptAt: number | null = null;
  let lastError: string | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const retrySeconds = options.retrySeconds ?? Math.min(300, refreshSeconds);
  let inFlight: Promise<TorListStatus> | undefined;

  const age = (at: number) => (loaded ? Math.max(0, Math.round((at - loaded.asOf) / 1000)) : null);

  function status(at = now()): TorListStatus {
    let name: TorListStatusName;
    // `loading` while the first attempt is out (a background fetch), `error` once one failed.
    if (!loaded) name = lastError === null ? 'loading' : 'error';
    else if (loaded.addresses.size === 0) name = 'empty';
    else if (loaded.origin === 'last-good') name = 'stale';
    else name = age(at)! > staleAfterSeconds ? 'stale' : 'fresh';
    return {
      status: name,
      stale: name !== 'fresh',
      source,
      format: loaded?.format ?? null,
      entries: loaded?.addresses.size ?? 0,
      asOf: loaded?.asOf ?? null,
      ageSeconds: age(at),
      loadedAt: loaded?.loadedAt ?? null,
      lastAttemptAt,
      error: lastError,
      refreshSeconds,
      staleAfterSeconds,
      origin: loaded?.origin ?? null,
    };
  }

  async function load(from: string, origin: Loaded['origin'] = 'source'): Promise<TorListStatus> {
    const attemptAt = now();
    // Reading the saved copy is not an attempt at the source: the status stays `loading`.
    if (origin === 'source') lastAttemptAt = attemptAt;
    try {
      const content = origin === 'last-good' ? await readLastGood(from) : await read(from, stopping.signal);
      if (!content) return status(attemptAt);
      const parsed = parseExitList(content.text);
      if (!looksLikeExitList(parsed))
        throw new Error(`${from} does not look like a Tor exit list (${parsed.invalidLines} unreadable lines)`);
      if (parsed.addresses.size === 0 && loaded && loaded.addresses.size > 0) {
        throw new Error(`${from} is empty; keeping the previous ${loaded.addresses.size} addresses`);
      }
      const asOf = parsed.publishedAt ?? content.modifiedAt ?? attemptAt;
      // Saved first, so that once the list is in use its copy is on disk too.
      if (origin === 'source' && options.lastGoodFile && parsed.addresses.size > 0) {
        await saveLastGood(options.lastGoodFile, source, content.text, asOf).catch((error: Error) =>
          options.log?.warn(
            { file: options.lastGoodFile },
            `Tor exit list: could not save the last good copy: ${error.message}`,
          ),
        );
      }
      loaded = { addresses: parsed.addresses, format: parsed.format, asOf, loadedAt: attemptAt, origin };
      if (origin === 'source') lastError = null;
      const current = status(attemptAt);
      const log = current.status === 'fresh' ? options.log?.info : options.log?.warn;
      log?.call(options.log, { torExitList: current }, `Tor exit list ${current.status}: ${current.entries} addresses`);
      return current;
    } catch (error) {
      if (origin === 'last-good') {
        options.log?.warn(
          { file: from },
          `Tor exit list: the last good copy is unreadable: ${(error as Error).message}`,
        );
        return status(attemptAt);
      }
      lastError = (error as Error).message;
      options.log?.warn({ torExitList: status(attemptAt) }, `Tor exit list not refreshed: ${lastError}`);
      // A network that comes back is noticed in minutes, not at the next hourly refresh.
      if (timer && !retry && !stopping.signal.aborted) {
        retry = setTimeout(() => {
          retry = undefined;
          void refresh();
        }, retrySeconds * 1000);
        retry.unref?.();
      }
      return status(attemptAt);
    }
  }

  function refresh(): Promise<TorListStatus> {
    inFlight ??= load(source).finally(() => (inFlight = undefined));
    return inFlight;
  }

  return {
    async start() {
      if (options.lastGoodFile && !loaded) await load(options.lastGoodFile, 'last-good');
      timer ??= setInterval(() => void refresh(), refreshSeconds * 1000);
      timer.unref?.();
      const first = refresh();
      return options.background ? status() : first;
    },
    stop() {
      if (timer) clearInterval(timer);
      if (retry) clearTimeout(retry);
      timer = retry = undefined;
      stopping.abort();
    },
    refresh,
    status,
    view(at) {
      if (!loaded || loaded.addresses.size === 0) return null;
      const ageSeconds = age(at)!;
      return {
        addresses: loaded.addresses,
        source,
        status: loaded.origin === 'last-good' || ageSeconds > staleAfterSeconds ? 'stale' : 'fresh',
        asOf: loaded.asOf,
        ageSeconds,
      };
    },
  };
}
