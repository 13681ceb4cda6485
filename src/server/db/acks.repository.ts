/** Acknowledgements: the first ack of a verdict is kept; repeats change nothing. */
import type { Insertable, Selectable } from 'kysely';
import type { AcksTable } from './acks.table';
import type { Db } from './schema';

export type AckRow = Selectable<AcksTable>;
/** `slack_signout*` may be left out (issue #12 added them). */
export type NewAck = Insertable<AcksTable>;

/** True when this ack was stored, false when the verdict had been acknowledged already. */
export async function insertAckOnce(db: Db, row: NewAck): Promise<boolean> {
  const result = await db
    .insertInto('acks')
    .values(row)
    .onConflict((oc) => oc.column('verdict_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findAck(db: Db, verdictId: string): Promise<AckRow | undefined> {
  return db.selectFrom('acks').selectAll().where('verdict_id', '=', verdictId).executeTakeFirst();
}
