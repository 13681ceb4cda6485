/**
 * A device's life in the store: enrolment (idempotent for the same key), look-up, the
 * touch every report makes, an admin's approval decision (issue #10) and revocation
 * (issue #5).
 */
import type { DeviceApproval, DevicesTable } from '../devices.table';
import type { Db } from '../schema';

export type DeviceRow = DevicesTable;
export type { DeviceApproval };

export async function findDevice(db: Db, id: string): Promise<DeviceRow | undefined> {
  return db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function upsertDevice(db: Db, row: DeviceRow): Promise<void> {
  await db
    .insertInto('devices')
    .values(row)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        extension_version: row.extension_version,
        user_agent: row.user_agent,
        last_seen_at: row.last_seen_at,
        last_ip: row.last_ip,
      }),
    )
    .execute();
}

export async function touchDevice(db: Db, id: string, now: number, ip: string | null): Promise<void> {
  await db.updateTable('devices').set({ last_seen_at: now, last_ip: ip }).where('id', '=', id).execute();
}

/** Marks the device revoked; false when it does not exist. Revoking twice keeps the first time. */
export async function revokeDevice(db: Db, id: string, by: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('devices')
    .set({ revoked_at: now, revoked_by: by })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return true;
  return (await db.selectFrom('devices').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/**
 * Sets the decision when the device is in one of `from`; returns the approval it had
 * (undefined: no such device). Unchanged when it was not in `from`.
 */
export async function decideApproval(
  db: Db,
  id: string,
  decision: Exclude<DeviceApproval, 'pending'>,
  from: readonly DeviceApproval[],
  by: string,
  now: number,
): Promise<DeviceApproval | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('devices').select('approval').where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const was = (row.approval ?? 'approved') as DeviceApproval;
    if (from.includes(was)) {
      await trx
        .updateTable('devices')
        .set({ approval: decision, approval_by: by, approval_at: now })
        .where('id', '=', id)
        .execute();
    }
    return was;
  });
}
