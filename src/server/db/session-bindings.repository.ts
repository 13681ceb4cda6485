/**
 * Session bindings: the first device to report a Slack session owns it. `bindSession`
 * is insert-if-absent then read back, so concurrent batches (or replicas) agree on one
 * owner; `fillFingerprint` sets the owner's fingerprint once, when it was not known yet.
 */
import type { Db } from './schema';
import type { SessionBindingsTable } from './session-bindings.table';

export type SessionBindingRow = SessionBindingsTable;

export async function findSessionBindings(db: Db, sessionKeys: readonly string[]): Promise<SessionBindingRow[]> {
  if (sessionKeys.length === 0) return [];
  return db
    .selectFrom('session_bindings')
    .selectAll()
    .where('session_key', 'in', [...sessionKeys])
    .execute();
}

export async function bindSession(db: Db, row: SessionBindingRow): Promise<SessionBindingRow> {
  await db
    .insertInto('session_bindings')
    .values(row)
    .onConflict((oc) => oc.column('session_key').doNothing())
    .execute();
  return db
    .selectFrom('session_bindings')
    .selectAll()
    .where('session_key', '=', row.session_key)
    .executeTakeFirstOrThrow();
}

export async function fillFingerprint(
  db: Db,
  sessionKey: string,
  deviceId: string,
  fingerprint: string,
): Promise<void> {
  await db
    .updateTable('session_bindings')
    .set({ fingerprint })
    .where('session_key', '=', sessionKey)
    .where('device_id', '=', deviceId)
    .where('fingerprint', 'is', null)
    .execute();
}

/** A rotated key's bindings pass to its new key: the same browser keeps its Slack sessions. */
export async function moveBindings(db: Db, fromDeviceId: string, toDeviceId: string): Promise<void> {
  await db
    .updateTable('session_bindings')
    .set({ device_id: toDeviceId })
    .where('device_id', '=', fromDeviceId)
    .execute();
}
