/**
 * Reads the backend's SQLite file directly (read-only, beside the running process; WAL
 * allows it): what the backend actually stored, counted by the test, with no admin API
 * in between that could hide a duplicate.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface StoredSignal {
  id: string;
  deviceId: string;
  type: string;
  bytes: number | null;
  data: Record<string, any>;
}

function open(dataDir: string) {
  const file = join(dataDir, 'session-guard.sqlite');
  if (!existsSync(file)) throw new Error(`no backend database at ${file}`);
  return new Database(file, { readonly: true, fileMustExist: true });
}

export function storedSignals(dataDir: string, type?: string): StoredSignal[] {
  const db = open(dataDir);
  try {
    const rows = db
      .prepare(
        `SELECT id, device_id, type, bytes, data FROM signals ${type ? 'WHERE type = ?' : ''} ORDER BY received_at, at`,
      )
      .all(...(type ? [type] : [])) as {
      id: string;
      device_id: string;
      type: string;
      bytes: number | null;
      data: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      deviceId: r.device_id,
      type: r.type,
      bytes: r.bytes,
      data: JSON.parse(r.data),
    }));
  } finally {
    db.close();
  }
}

/** How many times each value of `bytes` was stored for web-request downloads: the test's tally. */
export function downloadTally(dataDir: string): Map<number, number> {
  const tally = new Map<number, number>();
  for (const s of storedSignals(dataDir, 'download')) {
    if (s.data.source !== 'web_request' || s.bytes === null) continue;
    tally.set(s.bytes, (tally.get(s.bytes) ?? 0) + 1);
  }
  return tally;
}
