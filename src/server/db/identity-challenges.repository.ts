/**
 * Sign in with Slack challenges (issue #10): issue one for a device and spend it once (what
 * Slack vouched for is recorded on the device row by db/devices). A device keeps only a few live
 * challenges; spent and expired ones are dropped whenever it asks for a new one.
 */
import type { IdentityChallengesTable } from './identity-challenges.table';
import type { Db } from './schema';

/** Live challenges a device may hold at once; asking for more drops the oldest. */
export const MAX_LIVE_CHALLENGES = 5;

export async function issueChallenge(db: Db, row: IdentityChallengesTable): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('identity_challenges')
      .where('device_id', '=', row.device_id)
      .where((eb) => eb.or([eb('expires_at', '<=', row.created_at), eb('used_at', 'is not', null)]))
      .execute();
    const live = await trx
      .selectFrom('identity_challenges')
      .select('nonce_hash')
      .where('device_id', '=', row.device_id)
      .orderBy('created_at', 'desc')
      .orderBy('nonce_hash')
      .execute();
    const stale = live.slice(MAX_LIVE_CHALLENGES - 1).map((r) => r.nonce_hash);
    if (stale.length) await trx.deleteFrom('identity_challenges').where('nonce_hash', 'in', stale).execute();
    await trx.insertInto('identity_challenges').values(row).execute();
  });
}

export type SpendResult = 'spent' | 'unknown' | 'other_device' | 'used' | 'expired';

/**
 * Spends the challenge behind `nonceHash` for `deviceId`. Only 'spent' lets an answer
 * through; the update is one statement, so two answers racing cannot both win.
 */
export async function spendChallenge(db: Db, nonceHash: string, deviceId: string, now: number): Promise<SpendResult> {
  const row = await db
    .selectFrom('identity_challenges')
    .selectAll()
    .where('nonce_hash', '=', nonceHash)
    .executeTakeFirst();
  if (!row) return 'unknown';
  if (row.device_id !== deviceId) return 'other_device';
  if (row.used_at !== null) return 'used';
  if (Number(row.expires_at) <= now) return 'expired';
  const result = await db
    .updateTable('identity_challenges')
    .set({ used_at: now })
    .where('nonce_hash', '=', nonceHash)
    .where('device_id', '=', deviceId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0) === 1 ? 'spent' : 'used';
}
