/**
 * One pass of pruning (issue #16): for each rule (rules.ts), delete rows past their
 * kind's retention in chunks of `chunkSize`, one statement each and no transaction
 * around them, so no lock is held longer than one chunk's delete. Every statement is
 * idempotent (it deletes whatever still matches), so any number of replicas may run it at
 * once: on PostgreSQL the chunk is chosen `FOR UPDATE OF c SKIP LOCKED`, so two pruners
 * take disjoint rows and never wait on each other (no deadlock); SQLite's single writer
 * serializes them. A pass stops a table after `maxChunks` and says so (`more`), so the
 * job comes back soon rather than holding the runner.
 */
import { PostgresAdapter, sql } from 'kysely';
import { effectiveRetention, type RetentionWindows } from '../../shared/policy/retention';
import type { Db } from '../db/schema';
import { FIXED_RULES, PRUNE_RULES, type PruneRule, type PruneWindow } from './rules';

const DAY_MS = 86_400_000;

export interface PruneOptions {
  /** Rows per DELETE statement (default 5,000). */
  chunkSize?: number;
  /** Statements per table per pass (default 20). */
  maxChunks?: number;
  /** Called after each chunk (metrics). */
  onPruned?: (rule: PruneRule, rows: number) => void;
}

export interface PruneResult {
  /** Rows deleted, by table. */
  deleted: Record<string, number>;
  /** True when a table still had rows past retention when the pass stopped. */
  more: boolean;
}

async function deleteChunk(db: Db, rule: PruneRule, w: PruneWindow, limit: number): Promise<number> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const table = sql.table(rule.table);
  const key = sql.ref(rule.key);
  const lock = postgres ? sql`FOR UPDATE OF c SKIP LOCKED` : sql``;
  const result = await sql`DELETE FROM ${table} WHERE ${key} IN (
      SELECT ${sql.ref(`c.${rule.key}`)} FROM ${table} AS c WHERE ${rule.where(w)} LIMIT ${limit} ${lock})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Prunes every table to the retention `policy` sets, at `now`. */
export async function pruneStore(
  db: Db,
  policy: RetentionWindows,
  now: number,
  options: PruneOptions = {},
): Promise<PruneResult> {
  const chunkSize = options.chunkSize ?? 5000;
  const maxChunks = options.maxChunks ?? 20;
  const days = new Map(effectiveRetention(policy).map((r) => [r.kind as string, r.days]));
  const deleted: Record<string, number> = {};
  let more = false;
  for (const rule of [...PRUNE_RULES, ...FIXED_RULES]) {
    const keep = days.get(rule.kind);
    const w: PruneWindow = { now, cutoff: keep === undefined ? now : now - keep * DAY_MS };
    let total = deleted[rule.table] ?? 0;
    for (let chunk = 0; ; chunk++) {
      if (chunk === maxChunks) {
        more = true;
        break;
      }
      const n = await deleteChunk(db, rule, w, chunkSize);
      total += n;
      if (n > 0) options.onPruned?.(rule, n);
      if (n < chunkSize) break;
    }
    deleted[rule.table] = total;
  }
  return { deleted, more };
}
