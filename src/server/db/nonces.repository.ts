/** The replay guard: a signed body's id may be claimed once. */
import type { NoncesTable } from './nonces.table';
import type { Db } from './schema';

/** True when the id was unused and is now claimed; false on a replay. */
export async function claimNonce(db: Db, row: NoncesTable): Promise<boolean> {
  const result = await db
    .insertInto('nonces')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function countNonces(db: Db): Promise<number> {
  const row = await db
    .selectFrom('nonces')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
