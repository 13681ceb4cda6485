/**
 * The verdict signing keys in the store (verdicts/verdict-key-ring.ts owns what they mean):
 * every generation, newest first; a new one inserted unless its kid is already there.
 * Private keys arrive and leave sealed; nothing here sees one in clear.
 */
import type { Db } from './schema';
import type { VerdictKeysTable } from './verdict-keys.table';

export type VerdictKeyRow = VerdictKeysTable;

export async function listVerdictKeyRows(db: Db): Promise<VerdictKeyRow[]> {
  return db.selectFrom('verdict_keys').selectAll().orderBy('generation', 'desc').execute();
}

/** False when a key with this kid (or generation) is already stored. */
export async function insertVerdictKey(db: Db, row: VerdictKeyRow): Promise<boolean> {
  const result = await db
    .insertInto('verdict_keys')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function hasVerdictKey(db: Db, kid: string): Promise<boolean> {
  return (await db.selectFrom('verdict_keys').select('kid').where('kid', '=', kid).executeTakeFirst()) !== undefined;
}
