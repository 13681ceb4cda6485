/**
 * Device approval (issue #10): count the devices that hold a place in the quota, and
 * record an admin's decision on a pending device.
 */
import type { DeviceApproval } from './devices.table';
import type { Db } from './schema';

/** Devices that count against the quota: not revoked and not rejected (pending ones count). */
export async function countQuotaDevices(db: Db): Promise<number> {
  const row = await db
    .selectFrom('devices')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('revoked_at', 'is', null)
    .where('approval', '!=', 'rejected')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countPendingDevices(db: Db): Promise<number> {
  const row = await db
    .selectFrom('devices')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('revoked_at', 'is', null)
    .where('approval', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
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
