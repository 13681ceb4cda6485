/** Aggregates for the overview page: verdict times and ack latencies since an instant. */
import type { Db } from './schema';

export async function verdictTimesSince(db: Db, since: number, limit = 50_000): Promise<number[]> {
  const rows = await db
    .selectFrom('verdicts')
    .select('issued_at')
    .where('issued_at', '>=', since)
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.issued_at));
}

export async function ackLatenciesSince(db: Db, since: number, limit = 50_000): Promise<number[]> {
  const rows = await db
    .selectFrom('acks')
    .select('latency_ms')
    .where('received_at', '>=', since)
    .where('latency_ms', 'is not', null)
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.latency_ms));
}

/**
 * Issue #12: executed verdicts acknowledged since `since` whose session Slack was not seen
 * to refuse (sign-out failed, skipped, or an extension too old to say).
 */
export async function unconfirmedSignoutsSince(db: Db, since: number): Promise<number> {
  const row = await db
    .selectFrom('acks')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('received_at', '>=', since)
    .where('outcome', '=', 'executed')
    .where((eb) => eb.or([eb('slack_signout', 'is', null), eb('slack_signout', '!=', 'confirmed')]))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
