/**
 * A verified user's AS numbers (issue #14, the asn detector's `new-asn`). Reads are two
 * index lookups whatever the size of the history: the row for one (user, AS), and the
 * user's earliest `first_seen` (the start of their learning period). A use is recorded
 * insert-if-absent, and `last_seen` is moved at most once per `TOUCH_EVERY_MS`, so a
 * user's steady stream of batches costs no write.
 */
import type { AsnHistory } from '../detection/define-detector';
import type { Db } from './schema';

export const TOUCH_EVERY_MS = 3_600_000;

const rowId = (userId: string, asn: number) => `${userId}:${asn}`;

export interface UserAsnRow {
  firstSeen: number;
  lastSeen: number;
}

/** The user's history as the detector needs it for `asn`, and the row of that AS if any. */
export async function loadAsnHistory(
  db: Db,
  userId: string,
  asn: number,
): Promise<{ history: AsnHistory; row: UserAsnRow | null }> {
  const row = await db
    .selectFrom('user_asns')
    .select(['first_seen', 'last_seen'])
    .where('id', '=', rowId(userId, asn))
    .executeTakeFirst();
  const first = await db
    .selectFrom('user_asns')
    .select('first_seen')
    .where('verified_user_id', '=', userId)
    .orderBy('first_seen')
    .limit(1)
    .executeTakeFirst();
  return {
    history: { since: first ? Number(first.first_seen) : null, known: row ? [asn] : [] },
    row: row ? { firstSeen: Number(row.first_seen), lastSeen: Number(row.last_seen) } : null,
  };
}

/** Records that `userId` reported from `asn` at `now` (server clock). */
export async function recordAsnUse(db: Db, userId: string, asn: number, now: number, known: UserAsnRow | null) {
  if (known && now - known.lastSeen < TOUCH_EVERY_MS) return;
  if (known) {
    await db
      .updateTable('user_asns')
      .set({ last_seen: now })
      .where('id', '=', rowId(userId, asn))
      .where('last_seen', '<', now)
      .execute();
    return;
  }
  await db
    .insertInto('user_asns')
    .values({ id: rowId(userId, asn), verified_user_id: userId, asn, first_seen: now, last_seen: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
