/** Org policy versions for the history view: one by number, or the newest first. */
import type { PolicyRow } from './policies.repository';
import type { Db } from './schema';

export async function policyByVersion(db: Db, version: number): Promise<PolicyRow | undefined> {
  return db.selectFrom('policies').selectAll().where('version', '=', version).executeTakeFirst();
}

/** Newest first; `before` pages back through older versions. */
export async function listPolicies(db: Db, limit: number, before?: number): Promise<PolicyRow[]> {
  let q = db.selectFrom('policies').selectAll();
  if (before !== undefined) q = q.where('version', '<', before);
  return q.orderBy('version', 'desc').limit(limit).execute();
}
