/**
 * Devices as the admin sees them (issue #5): revoke one, count who reports, the latest
 * client fingerprint a device sent, the Slack sessions it has seen, and the signals in a
 * window (the evidence behind a verdict).
 */
import type { ClientFingerprint } from '../../shared/protocol/signals';
import type { Db } from './schema';
import type { DeviceWithCounts } from './devices.repository';
import type { SignalRow } from './signals.repository';

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

/** The newest client fingerprint the device reported (heartbeat or session cookie signals). */
export async function latestFingerprint(
  db: Db,
  deviceId: string,
): Promise<{ at: number; fingerprint: ClientFingerprint } | null> {
  const rows = await db
    .selectFrom('signals')
    .select(['at', 'data'])
    .where('device_id', '=', deviceId)
    .where('type', 'in', ['heartbeat', 'session_cookie'])
    .orderBy('at', 'desc')
    .limit(10)
    .execute();
  for (const row of rows) {
    try {
      const data = JSON.parse(row.data) as { fingerprint?: ClientFingerprint };
      if (data.fingerprint && typeof data.fingerprint === 'object')
        return { at: Number(row.at), fingerprint: data.fingerprint };
    } catch {
      // Stored signals were validated on the way in; a broken one is skipped, not fatal.
    }
  }
  return null;
}

export interface SessionRow {
  session_key: string;
  first_at: number;
  last_at: number;
  signals: number;
}

/** The Slack sessions (keyed hashes) the device reported, most recent first. */
export async function deviceSessions(db: Db, deviceId: string, limit: number): Promise<SessionRow[]> {
  const rows = await db
    .selectFrom('signals')
    .select((eb) => [
      'session_key',
      eb.fn.min('at').as('first_at'),
      eb.fn.max('at').as('last_at'),
      eb.fn.countAll().as('signals'),
    ])
    .where('device_id', '=', deviceId)
    .where('session_key', 'is not', null)
    .groupBy('session_key')
    .orderBy('last_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    session_key: String(r.session_key),
    first_at: Number(r.first_at),
    last_at: Number(r.last_at),
    signals: Number(r.signals),
  }));
}

/** The device's signals with `from < at <= to` (device clock), oldest first. */
export async function signalsBetween(
  db: Db,
  deviceId: string,
  from: number,
  to: number,
  limit: number,
): Promise<SignalRow[]> {
  return db
    .selectFrom('signals')
    .selectAll()
    .where('device_id', '=', deviceId)
    .where('at', '>', from)
    .where('at', '<=', to)
    .orderBy('at')
    .limit(limit)
    .execute();
}

export async function findSignal(db: Db, id: string): Promise<SignalRow | undefined> {
  return db.selectFrom('signals').selectAll().where('id', '=', id).executeTakeFirst();
}

/** One device with its signal count, as `listDevices` shows each. */
export async function findDeviceWithCount(db: Db, id: string): Promise<DeviceWithCounts | undefined> {
  const row = await db
    .selectFrom('devices')
    .selectAll('devices')
    .select((eb) =>
      eb
        .selectFrom('signals')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('signals.device_id', '=', 'devices.id')
        .as('signal_count'),
    )
    .where('devices.id', '=', id)
    .executeTakeFirst();
  return row && { ...row, signal_count: Number(row.signal_count ?? 0) };
}
