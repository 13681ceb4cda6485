/**
 * The reads of `api_calls` signals the web-API detectors make (issue #14), by the method
 * and count columns (migration 20260209000000): the calls to a set of methods (exact
 * names, or prefixes such as `admin.`) within a range, and per-day sums for the admin
 * baseline. Ranges are in the device clock (`signals.at`).
 */
import { sql, type ExpressionBuilder } from 'kysely';
import type { ApiMethodSet } from '../detection/api-rate';
import type { Database, Db } from './schema';

export interface ApiCallCount {
  id: string;
  at: number;
  method: string;
  calls: number;
}

const matching = (set: ApiMethodSet) => (eb: ExpressionBuilder<Database, 'signals'>) =>
  eb.or([
    ...(set.methods.length ? [eb('api_method', 'in', [...set.methods])] : []),
    ...set.prefixes.map((p) => eb('api_method', 'like', `${p.replace(/[%_\\]/g, '\\$&')}%`)),
  ]);

/** The device's calls to `set` with `from <= at <= to`, oldest first. */
export async function apiCallsBetween(
  db: Db,
  deviceId: string,
  set: ApiMethodSet,
  from: number,
  to: number,
): Promise<ApiCallCount[]> {
  const rows = await db
    .selectFrom('signals')
    .select(['id', 'at', 'api_method', 'api_calls'])
    .where('device_id', '=', deviceId)
    .where('type', '=', 'api_calls')
    .where('at', '>=', from)
    .where('at', '<=', to)
    .where(matching(set))
    .orderBy('at')
    .execute();
  return rows.map((r) => ({ id: r.id, at: Number(r.at), method: r.api_method ?? '', calls: Number(r.api_calls ?? 0) }));
}

export interface DailyApiUse {
  day: number;
  calls: number;
  matching: number;
}

/** Per UTC day on these devices with `from <= at < to`: all API calls, and those to `set`. */
export async function dailyApiUse(
  db: Db,
  deviceIds: readonly string[],
  set: ApiMethodSet,
  from: number,
  to: number,
): Promise<DailyApiUse[]> {
  if (deviceIds.length === 0) return [];
  const day = sql<number>`at / 86400000`;
  const rows = await db
    .selectFrom('signals')
    .select((eb) => [
      day.as('day'),
      eb.fn.sum<number>('api_calls').as('calls'),
      eb.fn.sum<number>(eb.case().when(matching(set)(eb)).then(eb.ref('api_calls')).else(0).end()).as('matching'),
    ])
    .where('device_id', 'in', [...deviceIds])
    .where('type', '=', 'api_calls')
    .where('at', '>=', from)
    .where('at', '<', to)
    .where('late', '=', 0)
    .groupBy(day)
    .orderBy(day)
    .execute();
  return rows.map((r) => ({ day: Number(r.day), calls: Number(r.calls ?? 0), matching: Number(r.matching ?? 0) }));
}
