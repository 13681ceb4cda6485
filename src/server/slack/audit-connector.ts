/**
 * Reads Slack's audit log (GET /audit/v1/logs) into the store without gaps or duplicates
 * (issue #7), across restarts and replicas, as jobs on the queue (issue #11):
 * - one replica polls at a time: the poll is one recurring `slack.audit.poll` job, and
 *   the job's lease is the poll's; a replica that dies mid-poll frees it when it expires;
 * - the position is the job's payload: a watermark (Unix seconds, everything before it
 *   fetched) plus the window being paged (`oldest`..`latest`, inclusive, Slack's
 *   newest-first order) and Slack's cursor in it. Each page's entries and the new
 *   position commit together, fenced on the lease, so a crash resumes at the saved cursor
 *   (or the window's start if Slack forgot the cursor);
 * - each window starts `overlap` seconds before the watermark, for entries Slack indexes
 *   late, and ends a second in the past; an entry id is stored once, ever (the inbox's
 *   primary key), so re-read entries add nothing;
 * - pacing: at most one request per `requestGapMs` between ANY two requests, across polls
 *   as well as pages (request-pacer.ts), a bounded number of pages per poll, and Slack's
 *   429 Retry-After pauses every replica (the pause is in the state row) and the pacer;
 * - it reads only while the connection's feed is the audit log (feed-source.ts): a token
 *   without `auditlogs:read` is served by the access-log connector instead.
 * Each new entry gets a `slack.audit.entry` job, processed (audit-process.ts) by any replica.
 */
import {
  AUDIT_ENTRY_JOB,
  AUDIT_POLL_JOB,
  AUDIT_POLL_KEY,
  auditState,
  findAuditEntry,
  insertAuditEntries,
  markEntryProcessed,
  noteAuditError,
  noteAuditPoll,
  START_POSITION,
  toAuditPosition,
  type AuditEntryRow,
  type AuditPosition,
} from '../db/slack-audit.repository';
import { getSlackConnection } from '../db/slack-connection.repository';
import { makeJobDue } from '../db/jobs.repository';
import { enqueueJob, type JobHandler, type JobOutcome, type JobRun } from '../jobs/queue';
import { createJobRunner } from '../jobs/runner';
import { AuditEntry, entryUser } from './audit-entry';
import { processAuditEntry } from './audit-process';
import { withToken } from './connection';
import type { SlackContext, SlackRuntime } from './context';
import { feedSource } from './feed-source';
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
  /** The poll and entry handlers, for the Slack service's job runner. */
  readonly handlers: JobHandler<any>[];
  /** Queues the poll job if it is missing (once a process). */
  ensure(): Promise<void>;
  /** Queues the poll job if it is missing and makes it due now (a 429 pause still holds). */
  due(): Promise<void>;
  /** Fetch what is new (if no other replica is polling), then process stored entries. */
  poll(): Promise<void>;
}

class LeaseLost extends Error {}

export function createAuditConnector(
  sc: SlackContext,
  runtime: () => SlackRuntime | null,
  options: AuditConnectorOptions,
): AuditConnector {
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

  /** Reads pages from `position` on; every page commits its entries and the next position. */
  async function readPages(start: AuditPosition, job: JobRun): Promise<JobOutcome> {
    let pages = 0;
    let added = 0;
    let window =
      start.windowLatest === null
        ? null
        : { oldest: Number(start.windowOldest), latest: Number(start.windowLatest), cursor: start.cursor };
    let watermark = start.watermark;
    const again = (runAt: number): JobOutcome => {
      if (added > 0) sc.log?.info({ pages, added }, 'slack audit log read');
      return { status: 'reschedule', runAt };
    };
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
        if (error.code === 'ratelimited') pacer.backOff(error.retryAfterMs ?? options.pollMs);
        const pause = error.code === 'ratelimited' ? sc.now() + (error.retryAfterMs ?? options.pollMs) : undefined;
        await noteAuditError(sc.db, error.message, sc.now(), pause);
        sc.log?.warn({ error: error.code, retryAfterMs: error.retryAfterMs }, 'slack audit log poll failed');
        return again(pause ?? sc.now() + options.pollMs);
      }
      pages++;
      const now = sc.now();
      const rows = page.entries.map((e) => toRow(e, now)).filter((r): r is AuditEntryRow => r !== null);
      const done = page.nextCursor === null;
      const next = done ? null : { ...current, cursor: page.nextCursor };
      const nextWatermark = done ? current.latest + 1 : watermark;
      try {
        await sc.db.transaction().execute(async (trx) => {
          const ids = await insertAuditEntries(trx, rows);
          for (const id of ids)
            await enqueueJob(trx, { kind: AUDIT_ENTRY_JOB, key: id, payload: { entryId: id } }, now);
          await noteAuditPoll(trx, now, ids.length);
          const position: AuditPosition = {
            watermark: nextWatermark,
            windowOldest: next?.oldest ?? null,
            windowLatest: next?.latest ?? null,
            cursor: next?.cursor ?? null,
          };
          if (!(await job.savePayload(trx, position))) throw new LeaseLost();
          added += ids.length;
        });
      } catch (error) {
        if (error instanceof LeaseLost) return again(sc.now());
        throw error;
      }
      window = next;
      watermark = nextWatermark;
      if (done) break;
    }
    // A window left unfinished (the page budget ran out) is read on at the next tick.
    return again(window ? sc.now() : sc.now() + options.pollMs);
  }

  const pollHandler: JobHandler<unknown> = {
    kind: AUDIT_POLL_JOB,
    // Recurring for as long as the backend runs: a failing store is retried, never given up.
    maxAttempts: Number.MAX_SAFE_INTEGER,
    async run(payload, job) {
      const connection = await getSlackConnection(sc.db);
      if (!connection || feedSource(connection).source !== 'audit_logs')
        return { status: 'reschedule', runAt: sc.now() + options.pollMs };
      const state = await auditState(sc.db);
      if (Number(state.paused_until) > sc.now()) return { status: 'reschedule', runAt: Number(state.paused_until) };
      return readPages(toAuditPosition(payload), job);
    },
  };

  const entryHandler: JobHandler<{ entryId: string }> = {
    kind: AUDIT_ENTRY_JOB,
    async run({ entryId }) {
      const rt = runtime();
      if (!rt) return { status: 'retry', error: 'the Slack runtime is not started' };
      const row = await findAuditEntry(rt.db, entryId);
      if (!row || row.status !== 'pending') return { status: 'done' };
      // A failure is retried (findings are idempotent per entry).
      await markEntryProcessed(rt.db, row.id, rt.now(), await processAuditEntry(rt, row));
      return { status: 'done' };
    },
  };

  const runnerOf = (handler: JobHandler<any>) =>
    createJobRunner({
      db: sc.db,
      now: () => sc.now(),
      log: sc.log,
      handlers: [handler],
      batchSize: 100,
    });
  const pollRunner = runnerOf(pollHandler);
  const entryRunner = runnerOf(entryHandler);

  let ensured = false;
  async function ensure(): Promise<void> {
    if (ensured) return;
    await enqueueJob(sc.db, { kind: AUDIT_POLL_JOB, key: AUDIT_POLL_KEY, payload: START_POSITION }, sc.now());
    ensured = true;
  }

  async function due(): Promise<void> {
    await ensure();
    await makeJobDue(sc.db, AUDIT_POLL_JOB, AUDIT_POLL_KEY, sc.now());
  }

  return {
    handlers: [pollHandler, entryHandler],
    ensure,
    due,
    async poll() {
      await due();
      await pollRunner.tick();
      if (runtime()) await entryRunner.tick();
    },
  };
}
