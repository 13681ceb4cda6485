/** Shared Signals receivers (issue #12): add, list, find, remove, and note each delivery's result. */
import type { Db } from './schema';
import type { SsfReceiversTable } from './ssf.table';

export type SsfReceiverRow = SsfReceiversTable;

export async function insertSsfReceiver(db: Db, row: SsfReceiverRow): Promise<void> {
  await db.insertInto('ssf_receivers').values(row).execute();
}

export async function listSsfReceivers(db: Db): Promise<SsfReceiverRow[]> {
  return db.selectFrom('ssf_receivers').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function findSsfReceiver(db: Db, id: string): Promise<SsfReceiverRow | undefined> {
  return db.selectFrom('ssf_receivers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deleteSsfReceiver(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('ssf_receivers').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function noteSsfAttempt(
  db: Db,
  id: string,
  at: number,
  status: 'delivered' | 'retrying' | 'failed',
  error: string | null,
): Promise<void> {
  await db
    .updateTable('ssf_receivers')
    .set({ last_status: status, last_error: error, last_attempt_at: at })
    .where('id', '=', id)
    .execute();
}
