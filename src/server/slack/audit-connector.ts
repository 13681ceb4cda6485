/**
 * Reads Slack's audit log (GET /audit/v1/logs) into the store without gaps or duplicates
 * (issue #7), across restarts and replicas:
 * - one replica polls at a time: it holds a lease row, renewed every poll and taken over
 *   by another replica only once expired; every position write is fenced on the lease;
 * - the position is a watermark (Unix seconds, everything before it fetched) plus the
 *   window being paged (`oldest`..`latest`, inclusive, Slack's newest-first order) and
 *   Slack's cursor in it. Each page's entries and the new position commit together, so a
 *   crash resumes at the saved cursor (or the window's start if Slack forgot the cursor);
 * - each window starts `overlap` seconds before the watermark, for entries Slack indexes
 *   late, and ends a second in the past; an entry id is stored once, ever (the inbox's
 *   primary key), so re-read entries add nothing;
 * - pacing: at most one request per `requestGapMs` between ANY two requests, across polls
 *   as well as pages (request-pacer.ts), a bounded number of pages per poll, and Slack's
 *   429 Retry-After pauses every replica (the pause is in the state row) and the pacer.
 * Stored entries are then claimed and processed (audit-process.ts) by any replica.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import {
  acquireAuditLease,
  auditState,
  claimPendingEntries,
  insertAuditEntries,
  markEntryProcessed,
  noteAuditError,
  releaseAuditLease,
  saveAuditProgress,
  type AuditEntryRow,
} from '../db/slack-audit.repository';
import { getSlackConnection } from '../db/slack-connection.repository';
import { AuditEntry, entryUser } from './audit-entry';
import { processAuditEntry } from './audit-process';
import { withToken } from './connection';
import type { SlackContext, SlackRuntime } from './context';
import { createRequestPacer, type RequestPacer } from './request-pacer';
import { fetchAuditLogs, SlackCallError } from './web-api';

export interface AuditConnectorOptions {
  lookbackSeconds: number;
  overlapSeconds: number;
  requestGapMs: number;
  pollMs: number;
  pageLimit?: number;
  maxPagesPerPoll?: number;
  /** Spaces every request of this connector (default: `requestGapMs` on the context's clock). */
  pacer?: RequestPacer;
}

export interface AuditConnector {
  readonly owner: string;
  /** Fetch what is new (if this replica holds the lease), then process stored entries. */
  poll(): Promise<void>;
  fetch(): Promise<{ pages: number; added: number }>;
  process(rt: SlackRuntime): Promise<number>;
  release(): Promise<void>;
}

class LeaseLost extends Error {}

export function createAuditConnector(
  sc: SlackContext,
  runtime: () => SlackRuntime | null,
  options: AuditConnectorOptions,
): AuditConnector {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = Math.max(30_000, options.pollMs * 3);
  const limit = options.pageLimit ?? 200;
  const maxPages = options.maxPagesPerPoll ?? 20;
  const pacer = options.pacer ?? createRequestPacer({ gapMs: options.requestGapMs, now: () => sc.now() });

  function toRow(raw: unknown, now: number): AuditEntryRow | null {
    const parsed = AuditEntry.safeParse(raw);
    if (!parsed.success) return null;
    const e = parsed.data;
    return {
      id: e.id,
      date_create: e.date_create,
      action: e.action,
      user_id: entryUser(e),
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
    let state = await auditState(sc.db);
    if (state.paused_until > sc.now()) return { pages, added };
    if (!(await acquireAuditLease(sc.db, owner, sc.now(), leaseMs))) return { pages, added };
    state = await auditState(sc.db);
    let window =
      state.window_latest === null
        ? null
        : { oldest: Number(state.window_oldest), latest: Number(state.window_latest), cursor: state.cursor };
    let watermark = state.watermark === null ? null : Number(state.watermark);
    while (pages < maxPages) {
      if (!window) {
        const latest = Math.floor(sc.now() / 1000) - 1;
        const oldest =
          watermark === null ? latest - options.lookbackSeconds : Math.max(0, watermark - options.overlapSeconds);
        if (oldest > latest) break;
        window = { oldest, latest, cursor: null };
      }
      const current = window;
      let page;
      try {
        page = await withToken(sc, 'audit/v1/logs', async (token) => {
          // Paced right before the send: the token's lookup is not counted in the gap.
          await pacer.take();
          return fetchAuditLogs(sc.endpoints, token, { ...current, limit });
        });
      } catch (error) {
        if (!(error instanceof SlackCallError)) throw error;
        if (error.code === 'invalid_cursor' && current.cursor) {
          window = { ...current, cursor: null }; // Slack forgot it: read the window again; ids dedupe.
          continue;
        }
        if (error.code === 'ratelimited') pacer.backOff(error.retryAfterMs ?? 60_000);
        const pause = error.code === 'ratelimited' ? sc.now() + (error.retryAfterMs ?? 60_000) : undefined;
        await noteAuditError(sc.db, error.message, sc.now(), pause);
        sc.log?.warn({ error: error.code, retryAfterMs: error.retryAfterMs }, 'slack audit log poll failed');
        return { pages, added };
      }
      pages++;
      const now = sc.now();
      const rows = page.entries.map((e) => toRow(e, now)).filter((r): r is AuditEntryRow => r !== null);
      const done = page.nextCursor === null;
      const next = done ? null : { ...current, cursor: page.nextCursor };
      const nextWatermark = done ? current.latest + 1 : watermark;
      try {
        await sc.db.transaction().execute(async (trx) => {
          const n = await insertAuditEntries(trx, rows);
          const saved = await saveAuditProgress(trx, owner, {
            watermark: nextWatermark,
            windowOldest: next?.oldest ?? null,
            windowLatest: next?.latest ?? null,
            cursor: next?.cursor ?? null,
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
      window = next;
      watermark = nextWatermark;
      if (done) break;
    }
    return { pages, added };
  }

  async function processEntries(rt: SlackRuntime): Promise<number> {
    let n = 0;
    for (const row of await claimPendingEntries(rt.db, rt.now(), 2 * 60_000, 100)) {
      try {
        await markEntryProcessed(rt.db, row.id, rt.now(), await processAuditEntry(rt, row));
        n++;
      } catch (error) {
        // Left pending: its lock expires and it is tried again (findings are idempotent per entry).
        rt.log.error({ err: error, entryId: row.id }, 'slack audit entry processing failed');
      }
    }
    return n;
  }

  return {
    owner,
    fetch,
    process: processEntries,
    async poll() {
      await fetch();
      const rt = runtime();
      if (rt) await processEntries(rt);
    },
    release: () => releaseAuditLease(sc.db, owner),
  };
}
