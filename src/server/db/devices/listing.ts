/**
 * Devices counted and listed for the admin (issue #5) and the enrolment quota (issue
 * #10): the list with each one's signal count, one device the same way, who is enrolled,
 * reporting or revoked, and who holds a place in the quota or waits for approval.
 */
import type { Db } from '../schema';
import type { DeviceRow } from './lifecycle';

export interface DeviceWithCounts extends DeviceRow {
  signal_count: number;
}

function withSignalCount(db: Db) {
  return db
    .selectFrom('devices')
    .selectAll('devices')
    .select((eb) =>
      eb
        .selectFrom('signals')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('signals.device_id', '=', 'devices.id')
        .as('signal_count'),
    );
}

export async function listDevices(db: Db, limit: number): Promise<DeviceWithCounts[]> {
  const rows = await withSignalCount(db).orderBy('last_seen_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({ ...r, signal_count: Number(r.signal_count ?? 0) }));
}

/** One device with its signal count, as `listDevices` shows each. */
export async function findDeviceWithCount(db: Db, id: string): Promise<DeviceWithCounts | undefined> {
  const row = await withSignalCount(db).where('devices.id', '=', id).executeTakeFirst();
  return row && { ...row, signal_count: Number(row.signal_count ?? 0) };
}

export interface DeviceCounts {
  enrolled: number;
  reporting: number;
  revoked: number;
}

/** Enrolled (not revoked) devices, those seen since `since`, and the revoked ones. */
export async function countDevices(db: Db, since: number): Promise<DeviceCounts> {
  const count = async (build: (q: ReturnType<typeof base>) => ReturnType<typeof base>) =>
    Number((await build(base()).executeTakeFirstOrThrow()).n);
  const base = () => db.selectFrom('devices').select((eb) => eb.fn.countAll().as('n'));
  return {
    enrolled: await count((q) => q.where('revoked_at', 'is', null)),
    reporting: await count((q) => q.where('revoked_at', 'is', null).where('last_seen_at', '>=', since)),
    revoked: await count((q) => q.where('revoked_at', 'is not', null)),
  };
}

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
