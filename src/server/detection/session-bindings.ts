/**
 * Binding sessions as they are first seen (session_fingerprint's state): for every Slack
 * session a batch mentions, the device and fingerprint that first reported it. The engine
 * does this before any detector runs, whether or not session_fingerprint is enabled, so
 * turning the detector on later finds every session already bound.
 */
import { ClientFingerprint, type Signal } from '../../shared/protocol/signals';
import {
  bindSession,
  fillFingerprint,
  findSessionBindings,
  type SessionBindingRow,
} from '../db/session-bindings.repository';
import type { Db } from '../db/schema';
import type { SessionBinding } from './define-detector';

function toBinding(row: SessionBindingRow): SessionBinding {
  // Storage is a trust boundary: a fingerprint that no longer parses is treated as unknown.
  const parsed = row.fingerprint === null ? null : ClientFingerprint.safeParse(safeJson(row.fingerprint));
  return {
    sessionKey: row.session_key,
    deviceId: row.device_id,
    fingerprint: parsed?.success ? parsed.data : null,
    boundAt: Number(row.bound_at),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const fingerprintOf = (s: Signal) => ('fingerprint' in s ? (s.fingerprint ?? null) : null);

export async function bindSessions(
  db: Db,
  deviceId: string,
  signals: readonly Signal[],
  now: number,
): Promise<Map<string, SessionBinding>> {
  const keys = [...new Set(signals.map((s) => s.sessionKey).filter((k): k is string => typeof k === 'string'))];
  const bindings = new Map<string, SessionBinding>();
  if (keys.length === 0) return bindings;
  const existing = new Map((await findSessionBindings(db, keys)).map((row) => [row.session_key, row]));
  for (const key of keys) {
    const mine = signals.filter((s) => s.sessionKey === key);
    const fingerprint = mine.map(fingerprintOf).find((f) => f !== null) ?? null;
    let row = existing.get(key);
    if (!row) {
      row = await bindSession(db, {
        session_key: key,
        device_id: deviceId,
        fingerprint: fingerprint && JSON.stringify(fingerprint),
        signal_id: mine[0]!.id,
        bound_at: mine[0]!.at,
        created_at: now,
      });
    } else if (row.fingerprint === null && row.device_id === deviceId && fingerprint) {
      await fillFingerprint(db, key, deviceId, JSON.stringify(fingerprint));
      row = { ...row, fingerprint: JSON.stringify(fingerprint) };
    }
    bindings.set(key, toBinding(row));
  }
  return bindings;
}
