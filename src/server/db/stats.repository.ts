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
