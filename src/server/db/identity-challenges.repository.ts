/**
 * Sign in with Slack challenges (issue #10): issue one for a device, spend it once, and
 * record what Slack vouched for on the device row. A device keeps only a few live
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

export interface VerifiedIdentity {
  userId: string;
  teamId: string;
  email: string | null;
  verifiedAt: number;
}

export async function recordVerifiedIdentity(db: Db, deviceId: string, identity: VerifiedIdentity): Promise<void> {
  await db
    .updateTable('devices')
    .set({
      verified_user_id: identity.userId,
      verified_team_id: identity.teamId,
      verified_email: identity.email,
      verified_at: identity.verifiedAt,
    })
    .where('id', '=', deviceId)
    .execute();
}

export function verifiedIdentityOf(row: {
  verified_user_id?: string | null;
  verified_team_id?: string | null;
  verified_email?: string | null;
  verified_at?: number | null;
}): VerifiedIdentity | null {
  if (!row.verified_user_id || !row.verified_team_id || row.verified_at === null || row.verified_at === undefined)
    return null;
  return {
    userId: row.verified_user_id,
    teamId: row.verified_team_id,
    email: row.verified_email ?? null,
    verifiedAt: Number(row.verified_at),
  };
}
