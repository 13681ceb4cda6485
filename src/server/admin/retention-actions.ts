/**
 * What the dashboard and GET /api/retention show about the bounded store (issue #16):
 * each retention kind with the days the prune job applies under the current policy,
 * whether the policy set it, its floor and why, what is never pruned, and the current
 * row count of each of its tables; then the tables kept for a time the protocol fixes.
 * Counts are exact (`count(*)`), read on request only.
 */
import { sql } from 'kysely';
import { effectiveRetention, RETENTION_INFO, type RetentionKindView } from '../../shared/policy/retention';
import type { AppContext } from '../app-context';
import type { Db } from '../db/schema';
import { currentPolicy } from '../policy/policy-store';
import { FIXED_RULES } from '../retention/rules';

async function rowCount(db: Db, table: string): Promise<number> {
  const r = await sql<{ n: string | number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

const counted = (db: Db, tables: readonly string[]) =>
  Promise.all(tables.map(async (table) => ({ table, rows: await rowCount(db, table) })));

export async function retentionView(ctx: Pick<AppContext, 'db' | 'now'>): Promise<RetentionKindView[]> {
  const { policy } = await currentPolicy(ctx.db, ctx.now());
  const kinds = await Promise.all(
    effectiveRetention(policy).map(async (r) => ({
      kind: r.kind,
      days: r.days,
      configured: r.configured,
      floorDays: r.floor.days,
      floorReason: r.floor.reason,
      keeps: RETENTION_INFO[r.kind].keeps,
      fixed: null,
      tables: await counted(ctx.db, RETENTION_INFO[r.kind].tables),
    })),
  );
  const fixed = await Promise.all(
    FIXED_RULES.map(async (rule) => ({
      kind: rule.table,
      days: null,
      configured: false,
      floorDays: null,
      floorReason: null,
      keeps: 'nothing else',
      fixed: rule.keptFor,
      tables: await counted(ctx.db, [rule.table]),
    })),
  );
  return [...kinds, ...fixed];
}
