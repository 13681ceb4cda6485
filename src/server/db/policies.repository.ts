/** Org policy versions: append a version, read the newest. */
import type { PoliciesTable } from './policies.table';
import type { Db } from './schema';

export type PolicyRow = PoliciesTable;

export async function latestPolicy(db: Db): Promise<PolicyRow | undefined> {
  return db.selectFrom('policies').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
}

/** The newest version number alone (a row's document never changes once written). */
export async function latestPolicyVersion(db: Db): Promise<number | null> {
  const row = await db.selectFrom('policies').select('version').orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row ? Number(row.version) : null;
}

/**
 * Appends `document` as the next version. Two writers racing for the same version number
 * collide on the primary key; the loser retries on top of the winner.
 */
export async function appendPolicy(db: Db, document: string, createdBy: string, now: number): Promise<PolicyRow> {
  for (let attempt = 0; ; attempt++) {
    const current = await latestPolicy(db);
    const row: PolicyRow = {
      version: (current ? Number(current.version) : 0) + 1,
      document,
      created_at: now,
      created_by: createdBy,
    };
    try {
      await db.insertInto('policies').values(row).execute();
      return row;
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}
