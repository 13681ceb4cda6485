/** Enrolled devices: enroll (idempotent for the same key), look up, touch, list. */
import type { DevicesTable } from './devices.table';
import type { Db } from './schema';

export type DeviceRow = DevicesTable;

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

export interface DeviceWithCounts extends DeviceRow {
  signal_count: number;
}

export async function listDevices(db: Db, limit: number): Promise<DeviceWithCounts[]> {
  const rows = await db
    .selectFrom('devices')
    .selectAll('devices')
    .select((eb) =>
      eb
        .selectFrom('signals')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('signals.device_id', '=', 'devices.id')
        .as('signal_count'),
    )
    .orderBy('last_seen_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, signal_count: Number(r.signal_count ?? 0) }));
}
