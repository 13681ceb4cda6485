/** The audit log: append an admin action, list them newest first (optionally by action). */
import type { AuditLogTable } from './audit.table';
import type { Db } from './schema';

export type AuditRow = AuditLogTable;

export async function insertAudit(db: Db, row: AuditRow): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

export interface AuditQuery {
  action?: string;
  actor?: string;
  before?: number;
  limit: number;
}

export async function listAudit(db: Db, query: AuditQuery): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (query.action) q = q.where('action', '=', query.action);
  if (query.actor) q = q.where('actor', '=', query.actor);
  if (query.before !== undefined) q = q.where('at', '<', query.before);
  return q.orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}
