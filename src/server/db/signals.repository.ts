/** Signals are append-only; a signal id already stored is a duplicate and is skipped. */
import type { Signal } from '../../shared/protocol/signals';
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
