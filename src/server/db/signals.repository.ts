/**
 * Signals in the store: append-only (a signal id already stored is a duplicate and is
 * skipped), and the admin's reads of one device's signals: its latest fingerprint, the
 * Slack sessions it reported, and the signals in a window behind a verdict.
 */
import type { ClientFingerprint, Signal } from '../../shared/protocol/signals';
import type { Db } from './schema';
import type { SignalsTable } from './signals.table';

export type SignalRow = SignalsTable;

/** A signal as stored: the columns detection queries, and the whole signal as JSON. */
export function signalRow(
  signal: Signal,
  deviceId: string,
  batchId: string,
  receivedAt: number,
  ip: string | null,
): SignalRow {
  return {
    id: signal.id,
    device_id: deviceId,
    batch_id: batchId,
    type: signal.type,
    at: signal.at,
    received_at: receivedAt,
    session_key: signal.sessionKey ?? null,
    source_ip: ip,
    host: signal.type === 'download' ? signal.host : null,
    bytes: signal.type === 'download' ? signal.bytes : null,
    api_method: signal.type === 'api_calls' ? signal.method : null,
    api_calls: signal.type === 'api_calls' ? signal.count : null,
    data: JSON.stringify(signal),
  };
}

/** Inserts the rows whose id is new; returns the ids actually inserted. */
export async function insertSignals(db: Db, rows: SignalRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await db
    .insertInto('signals')
    .values(rows)
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return new Set(inserted.map((r) => r.id));
}

export interface DownloadRow {
  id: string;
  at: number;
  bytes: number;
}

/** The device's download signals with `from <= at <= to` (device clock), oldest first. */
export async function downloadsBetween(db: Db, deviceId: string, from: number, to: number): Promise<DownloadRow[]> {
  const rows = await db
    .selectFrom('signals')
    .select(['id', 'at', 'bytes'])
    .where('device_id', '=', deviceId)
    .where('type', '=', 'download')
    .where('at', '>=', from)
    .where('at', '<=', to)
    .orderBy('at')
    .execute();
  return rows.map((r) => ({ id: r.id, at: Number(r.at), bytes: Number(r.bytes ?? 0) }));
}

export async function countSignals(db: Db): Promise<number> {
  const row = await db
    .selectFrom('signals')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
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
export async function signalsInWindow(
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
