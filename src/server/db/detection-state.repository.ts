/**
 * The reads the detection engine makes to build a detector's state (detection/load-state.ts).
 * Ranges are inclusive and in the device clock (`signals.at`). Its one write about a
 * device (the Slack user its page reported) is in db/devices.
 */
import { sql } from 'kysely';
import type { Db } from './schema';

export interface TypedSignal {
  id: string;
  at: number;
  data: string;
}

/** The device's signals of one type with `from <= at <= to`, oldest first. */
export async function signalsBetween(
  db: Db,
  deviceId: string,
  type: string,
  from: number,
  to: number,
): Promise<TypedSignal[]> {
  const rows = await db
    .selectFrom('signals')
    .select(['id', 'at', 'data'])
    .where('device_id', '=', deviceId)
    .where('type', '=', type)
    .where('at', '>=', from)
    .where('at', '<=', to)
    .orderBy('at')
    .execute();
  return rows.map((r) => ({ id: r.id, at: Number(r.at), data: r.data }));
}

/**
 * The device's `api_calls` signals to these methods with `from <= at <= to`, oldest first,
 * by the (device_id, api_method, at) index: only the methods a batch calls are read.
 */
export async function apiCallsOf(
  db: Db,
  deviceId: string,
  methods: readonly string[],
  from: number,
  to: number,
): Promise<TypedSignal[]> {
  if (methods.length === 0) return [];
  const rows = await db
    .selectFrom('signals')
    .select(['id', 'at', 'data'])
    .where('device_id', '=', deviceId)
    .where('api_method', 'in', [...methods])
    .where('type', '=', 'api_calls')
    .where('at', '>=', from)
    .where('at', '<=', to)
    .orderBy('at')
    .execute();
  return rows.map((r) => ({ id: r.id, at: Number(r.at), data: r.data }));
}

export interface DailyDownloads {
  /** UTC day number (epoch ms / 86 400 000, floored). */
  day: number;
  files: number;
  bytes: number;
}

/** Files and bytes downloaded per UTC day on these devices with `from <= at < to`. */
export async function dailyDownloads(
  db: Db,
  deviceIds: readonly string[],
  from: number,
  to: number,
): Promise<DailyDownloads[]> {
  if (deviceIds.length === 0) return [];
  // Integer division on both dialects: `at` is an integer column (bigint on PostgreSQL).
  const day = sql<number>`at / 86400000`;
  const rows = await db
    .selectFrom('signals')
    .select([
      day.as('day'),
      (eb) => eb.fn.countAll<number>().as('files'),
      (eb) => eb.fn.sum<number>('bytes').as('bytes'),
    ])
    .where('device_id', 'in', [...deviceIds])
    .where('type', '=', 'download')
    .where('at', '>=', from)
    .where('at', '<', to)
    // Back-dated reports never raise a baseline (detection/late-signals.ts).
    .where('late', '=', 0)
    .groupBy(day)
    .orderBy(day)
    .execute();
  return rows.map((r) => ({ day: Number(r.day), files: Number(r.files), bytes: Number(r.bytes ?? 0) }));
}

/** Whether any of `subjects` has a finding for `reason` detected at or after `since`. */
export async function recentFinding(
  db: Db,
  subjects: readonly string[],
  reason: string,
  since: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('findings')
    .select('id')
    .where('subject', 'in', [...subjects])
    .where('reason', '=', reason)
    .where('detected_at', '>=', since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Whether any of `subjects` had a verdict naming `reason` issued at or after `since` that may
 * have ended a session: one its device acknowledged as executed with nothing cleared, or
 * refused, ended nothing, so it holds nothing back (a browser caught before it signed in
 * must not shield the session it signs in to next). Leaving such a verdict out can only
 * let more verdicts through, never fewer, so an ack forged to say so gains an attacker nothing.
 */
export async function recentVerdict(
  db: Db,
  subjects: readonly string[],
  reason: string,
  since: number,
): Promise<boolean> {
  const rows = await db
    .selectFrom('verdicts')
    .leftJoin('acks', 'acks.verdict_id', 'verdicts.id')
    .select(['verdicts.reasons', 'acks.outcome', 'acks.cookies_cleared'])
    .where('verdicts.subject', 'in', [...subjects])
    .where('verdicts.issued_at', '>=', since)
    .execute();
  const endedNothing = (r: { outcome: string | null; cookies_cleared: number | null }) =>
    r.outcome === 'rejected' || (r.outcome === 'executed' && r.cookies_cleared === 0);
  return rows.some((r) => !endedNothing(r) && (JSON.parse(r.reasons) as string[]).includes(reason));
}
