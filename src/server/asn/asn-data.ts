/**
 * The IP-to-ASN data set the asn detector maps addresses with (issue #14), loaded from a
 * file or URL at start and refreshed every `refreshSeconds` like the Tor exit list
 * (tor/exit-list.ts): a failed or refused refresh keeps the previous table and says why
 * in `error`; past `staleAfterSeconds` (by the file's mtime or HTTP Last-Modified, else
 * load time) it is `stale` but still used. GET /api/asn-data, the dashboard overview and
 * the startup banner show its status, ranges and age. A URL loads in the background, so
 * start-up never waits on the network.
 */
import { parseAsnDataInSlices } from './asn-parse';
import { readAsnSource, type AsnSourceContent } from './asn-source';
import type { AsnTable } from './asn-table';

export type AsnDataStatusName = 'loading' | 'fresh' | 'stale' | 'error';

export interface AsnDataStatus {
  status: AsnDataStatusName;
  /** True unless `fresh`. */
  stale: boolean;
  source: string;
  /** Ranges held (IPv4 and IPv6), and distinct AS numbers. */
  entries: number;
  asns: number;
  asOf: number | null;
  ageSeconds: number | null;
  loadedAt: number | null;
  lastAttemptAt: number | null;
  error: string | null;
  refreshSeconds: number;
  staleAfterSeconds: number;
}

/** What the detector maps an address with, as the engine saw it when the batch arrived. */
export interface AsnDataView {
  source: string;
  status: 'fresh' | 'stale';
  asOf: number;
  ageSeconds: number;
  lookup: AsnTable['lookup'];
}

export interface AsnDataOptions {
  source: string;
  refreshSeconds?: number;
  staleAfterSeconds?: number;
  now?: () => number;
  read?: (source: string, signal?: AbortSignal) => Promise<AsnSourceContent>;
  background?: boolean;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface AsnData {
  start(): Promise<AsnDataStatus>;
  stop(): void;
  refresh(): Promise<AsnDataStatus>;
  status(now?: number): AsnDataStatus;
  view(now: number): AsnDataView | null;
}

export const DEFAULT_ASN_REFRESH_SECONDS = 86_400;
export const DEFAULT_ASN_STALE_AFTER_SECONDS = 30 * 86_400;

interface Loaded {
  table: AsnTable;
  asOf: number;
  loadedAt: number;
}

export function createAsnData(options: AsnDataOptions): AsnData {
  const { source } = options;
  const refreshSeconds = options.refreshSeconds ?? DEFAULT_ASN_REFRESH_SECONDS;
  const staleAfterSeconds = options.staleAfterSeconds ?? DEFAULT_ASN_STALE_AFTER_SECONDS;
  const now = options.now ?? Date.now;
  const read = options.read ?? ((s: string, signal?: AbortSignal) => readAsnSource(s, fetch, signal));
  const stopping = new AbortController();
  let loaded: Loaded | null = null;
  let lastAttemptAt: number | null = null;
  let lastError: string | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let inFlight: Promise<AsnDataStatus> | undefined;

  const age = (at: number) => (loaded ? Math.max(0, Math.round((at - loaded.asOf) / 1000)) : null);

  function status(at = now()): AsnDataStatus {
    const name: AsnDataStatusName = !loaded
      ? lastError === null
        ? 'loading'
        : 'error'
      : age(at)! > staleAfterSeconds
        ? 'stale'
        : 'fresh';
    return {
      status: name,
      stale: name !== 'fresh',
      source,
      entries: loaded?.table.ranges ?? 0,
      asns: loaded?.table.asns ?? 0,
      asOf: loaded?.asOf ?? null,
      ageSeconds: age(at),
      loadedAt: loaded?.loadedAt ?? null,
      lastAttemptAt,
      error: lastError,
      refreshSeconds,
      staleAfterSeconds,
    };
  }

  async function load(): Promise<AsnDataStatus> {
    const attemptAt = now();
    lastAttemptAt = attemptAt;
    try {
      const content = await read(source, stopping.signal);
      const { table } = await parseAsnDataInSlices(content.text);
      loaded = { table, asOf: content.modifiedAt ?? attemptAt, loadedAt: attemptAt };
      lastError = null;
      const current = status(attemptAt);
      options.log?.info({ asnData: current }, `IP-to-ASN data ${current.status}: ${table.ranges} ranges`);
      return current;
    } catch (error) {
      lastError = `${source}: ${(error as Error).message}`;
      const kept = loaded ? `; keeping the previous ${loaded.table.ranges} ranges` : '';
      options.log?.warn({ asnData: status(attemptAt) }, `IP-to-ASN data not refreshed: ${lastError}${kept}`);
      return status(attemptAt);
    }
  }

  function refresh(): Promise<AsnDataStatus> {
    inFlight ??= load().finally(() => (inFlight = undefined));
    return inFlight;
  }

  return {
    async start() {
      timer ??= setInterval(() => void refresh(), refreshSeconds * 1000);
      timer.unref?.();
      const first = refresh();
      return options.background ? status() : first;
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      stopping.abort();
    },
    refresh,
    status,
    view(at) {
      if (!loaded) return null;
      const ageSeconds = age(at)!;
      return {
        source,
        status: ageSeconds > staleAfterSeconds ? 'stale' : 'fresh',
        asOf: loaded.asOf,
        ageSeconds,
        lookup: loaded.table.lookup,
      };
    },
  };
}
