/**
 * Reads Slack's `team.accessLogs` (every paid plan, a user token with `admin`; Tier 2)
 * into the store without gaps or duplicates, across restarts and replicas (issue #12).
 * A login is an aggregate per (user, address, user agent) whose `date_last` moves, so the
 * unit of work is an activity key (user, ip, ua, date_last): new, or advanced, is stored
 * once, ever (the inbox's primary key), and processed once.
 * - one replica reads at a time: a lease row, renewed every poll, fenced on every write;
 * - a scan reads newest first from `top` (a second in the past, fixed when it starts)
 *   down to the watermark minus `overlap` (the lookback on the very first scan). The cursor
 *   is time, not page numbers: the next request asks `before` = the oldest `date_last` of
 *   the page just read (inclusive, so that second is re-read and deduplicated); only a
 *   page that is all one second moves to the next page number. An aggregate that moves
 *   during a scan leaves the range (its new `date_last` is above `top`) and shifts nothing
 *   below it, and the next scan reads it. When a scan ends the watermark becomes `top + 1`;
 *   each page's entries and the new position commit together, so a crash resumes there;
 * - pacing: a shared request pacer (request-pacer.ts) keeps `requestGapMs` between any two
 *   requests, across polls and pages; Slack's 429 Retry-After pauses every replica.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import {
  accessState,
  acquireAccessLease,
  findAccessEntry,
  insertAccessEntries,
  markAccessEntryProcessed,
  noteAccessError,
  releaseAccessLease,
  saveAccessProgress,
  type AccessEntryRow,
} from '../db/slack-access-logs.repository';
import { getSlackConnection } from '../db/slack-connection.repository';
import { enqueueJob, type JobHandler } from '../jobs/queue';
import { createJobRunner } from '../jobs/runner';
import { AccessLogin, accessLoginKey, fetchAccessLogs } from './access-log-entry';
import { processAccessEntry } from './access-log-process';
import { withToken } from './connection';
import type { SlackContext, SlackRuntime } from './context';
import { createRequestPacer, type RequestPacer } from './request-pacer';
import { SlackCallError } from './web-api';

export interface AccessLogConnectorOptions {
  lookbackSeconds: number;
  overlapSeconds: number;
  /** Tier 2 is about 20 a minute: 3000 ms by default. */
  requestGapMs: number;
  pollMs: number;
  /** Logins a page (Slack's `count`, at most 1000). */
  pageSize?: number;
  maxPagesPerPoll?: number;
  pacer?: RequestPacer;
}

export interface AccessLogConnector {
  readonly owner: string;
  poll(): Promise<void>;
  fetch(): Promise<{ pages: number; added: number }>;
  /** Runs the processing jobs of stored entries that are due. */
  process(): Promise<void>;
  /** The entry handler, for a runner that ticks on its own timer. */
  readonly handlers: JobHandler<any>[];
  release(): Promise<void>;
}

/** One job per new activity key. */
export const ACCESS_ENTRY_JOB = 'slack.access.entry';

class LeaseLost extends Error {}
/** Slack refuses page numbers past 100 (`over_pagination_limit`). */
const SLACK_MAX_PAGE = 100;

interface Scan {
  top: number;
  before: number;
  page: number;
}

export function createAccessLogConnector(
  sc: SlackContext,
  runtime: () => SlackRuntime | null,
  options: AccessLogConnectorOptions,
): AccessLogConnector {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = Math.max(30_000, options.pollMs * 3);
  const count = Math.min(1000, options.pageSize ?? 1000);
  const maxPages = options.maxPagesPerPoll ?? 10;
  const pacer = options.pacer ?? createRequestPacer({ gapMs: options.requestGapMs, now: () => sc.now() });

  function toRow(raw: unknown, now: number): AccessEntryRow | null {
    const parsed = AccessLogin.safeParse(raw);
    if (!parsed.success) return null;
    const login = parsed.data;
    return {
      id: accessLoginKey(login),
      user_id: login.user_id,
      date_last: login.date_last,
      payload: JSON.stringify(raw),
      status: 'pending',
      locked_until: 0,
      received_at: now,
      processed_at: null,
      result: null,
    };
  }

  async function fetch(): Promise<{ pages: number; added: number }> {
    let pages = 0;
    let added = 0;
    if (!(await getSlackConnection(sc.db))) return { pages, added };
    let state = await accessState(sc.db);
    if (state.paused_until > sc.now()) return { pages, added };
    if (!(await acquireAccessLease(sc.db, owner, sc.now(), leaseMs))) return { pages, added };
    state = await accessState(sc.db);
    let watermark = state.watermark === null ? null : Number(state.watermark);
    let scan: Scan | null =
      state.scan_top === null
        ? null
        : { top: Number(state.scan_top), before: Number(state.scan_before), page: Number(state.scan_page) };
    while (pages < maxPages) {
      if (!scan) {
        const top = Math.floor(sc.now() / 1000) - 1;
        if (watermark !== null && top < watermark) break; // nothing can be newer yet
        scan = { top, before: top, page: 1 };
      }
      const current = scan;
      const floor = watermark === null ? current.top - options.lookbackSeconds : watermark - options.overlapSeconds;
      let page;
      try {
        page = await withToken(sc, 'team.accessLogs', async (token) => {
          // Paced right before the send: the token's lookup is not counted in the gap.
          await pacer.take();
          return fetchAccessLogs(sc.endpoints, token, { before: current.before, count, page: current.page });
        });
      } catch (error) {
        if (!(error instanceof SlackCallError)) throw error;
        if (error.code === 'ratelimited') pacer.backOff(error.retryAfterMs ?? 60_000);
        const pause = error.code === 'ratelimited' ? sc.now() + (error.retryAfterMs ?? 60_000) : undefined;
        await noteAccessError(sc.db, error.message, sc.now(), pause);
        sc.log?.warn({ error: error.code, retryAfterMs: error.retryAfterMs }, 'slack access log poll failed');
        return { pages, added };
      }
      pages++;
      const now = sc.now();
      const rows = page.logins
        .map((l) => toRow(l, now))
        .filter((r): r is AccessEntryRow => r !== null && r.date_last >= floor && r.date_last <= current.top);
      const lasts = page.logins
        .map((l) => AccessLogin.safeParse(l))
        .flatMap((p) => (p.success ? [p.data.date_last] : []));
      const oldest = lasts.length ? Math.min(...lasts) : null;
      const lastPage = page.pages !== null && current.page >= page.pages;
      const done = oldest === null || oldest < floor || page.logins.length < count || lastPage;
      let next: Scan | null = null;
      if (!done) {
        if (oldest! < current.before) next = { ...current, before: oldest!, page: 1 };
        else if (current.page < SLACK_MAX_PAGE) next = { ...current, page: current.page + 1 };
        // More than 100 pages of one second: nothing further Slack will show; counted done.
      }
      const nextWatermark = next ? watermark : current.top + 1;
      try {
        await sc.db.transaction().execute(async (trx) => {
          const ids = await insertAccessEntries(trx, rows);
          for (const id of ids)
            await enqueueJob(trx, { kind: ACCESS_ENTRY_JOB, key: id, payload: { entryId: id } }, now);
          const n = ids.length;
          const saved = await saveAccessProgress(trx, owner, {
            watermark: nextWatermark,
            scan: next,
            lastPollAt: now,
            added: n,
          });
          if (!saved) throw new LeaseLost();
          added += n;
        });
      } catch (error) {
        if (error instanceof LeaseLost) return { pages, added };
        throw error;
      }
      scan = next;
      watermark = nextWatermark;
      if (!next) break;
    }
    return { pages, added };
  }

  // Each new activity key is a job (src/server/jobs/): claimed with a lease by any replica,
  // retried with backoff when processing throws (findings are idempotent per key).
  const entryHandler: JobHandler<{ entryId: string }> = {
    kind: ACCESS_ENTRY_JOB,
    async run({ entryId }) {
      const rt = runtime();
      if (!rt) return { status: 'retry', error: 'the Slack runtime is not started' };
      const row = await findAccessEntry(rt.db, entryId);
      if (!row || row.status !== 'pending') return { status: 'done' };
      await markAccessEntryProcessed(rt.db, row.id, rt.now(), await processAccessEntry(rt, row));
      return { status: 'done' };
    },
  };
  const entryRunner = createJobRunner({
    db: sc.db,
    now: () => sc.now(),
    log: sc.log,
    handlers: [entryHandler],
    batchSize: 100,
  });

  async function processEntries(): Promise<void> {
    await entryRunner.tick();
  }

  return {
    owner,
    fetch,
    process: processEntries,
    handlers: [entryHandler],
    async poll() {
      await fetch();
      if (runtime()) await processEntries();
    },
    release: () => releaseAccessLease(sc.db, owner),
  };
}
