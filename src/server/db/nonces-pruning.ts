/**
 * Nonces only need remembering while their body's `sentAt` could still pass the clock
 * check; older ones are dropped so the table does not grow forever.
 */
import { MAX_CLOCK_SKEW_MS } from '../../shared/protocol/device';
import type { Db } from './schema';

export const NONCE_RETENTION_MS = 4 * MAX_CLOCK_SKEW_MS;

export async function pruneNonces(db: Db, now: number): Promise<number> {
  const result = await db
    .deleteFrom('nonces')
    .where('received_at', '<', now - NONCE_RETENTION_MS)
    .executeTakeFirst();
  return Number(result.numDeletedRows ?? 0);
}
