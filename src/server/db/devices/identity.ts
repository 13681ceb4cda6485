/**
 * The Slack user on a device row (issues #4 and #10): the user its page claims (from
 * `slack_identity` signals, or the detection engine's reading of a signal), the user Slack
 * vouched for through Sign in with Slack, and the queries that may reach beyond one
 * device, which match verified users only (trust/verified-user.ts).
 */
import type { Signal } from '../../../shared/protocol/signals';
import { isVerifiedAs } from '../../trust/verified-user';
import type { Db } from '../schema';

/** Names the device's claimed user after the newest `slack_identity` signal of a batch; the team id stays in the signal. */
export async function recordSlackIdentity(db: Db, deviceId: string, signals: readonly Signal[]): Promise<void> {
  let latest: Extract<Signal, { type: 'slack_identity' }> | undefined;
  for (const s of signals) if (s.type === 'slack_identity' && (!latest || s.at >= latest.at)) latest = s;
  if (!latest) return;
  await setDeviceUser(db, deviceId, latest.userId);
}

/** The user the device's page claims: reaches nothing beyond this device. */
export async function setDeviceUser(db: Db, deviceId: string, userId: string): Promise<void> {
  await db.updateTable('devices').set({ user_id: userId }).where('id', '=', deviceId).execute();
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

/** Every device Slack vouched is this user's (issue #10): a claim alone adds no device to a baseline. */
export async function devicesOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('devices').select('id').where(isVerifiedAs(userId)).execute();
  return rows.map((r) => r.id);
}

export interface GuardedDevice {
  id: string;
  user_agent: string | null;
  last_ip: string | null;
  last_seen_at: number;
}

/** The user's guarded devices (verified as this user, not revoked), the one seen last first. */
export async function guardedDevicesOf(db: Db, userId: string): Promise<GuardedDevice[]> {
  return (
    db
      .selectFrom('devices')
      .select(['id', 'user_agent', 'last_ip', 'last_seen_at'])
      // Only devices Slack vouched are this user's (issue #10): a device that merely claims
      // the user would otherwise make its own address look like the user's.
      .where(isVerifiedAs(userId))
      .where('revoked_at', 'is', null)
      .orderBy('last_seen_at', 'desc')
      .execute()
  );
}

/** Devices (not revoked) whose user Slack vouched for, and those whose user is only claimed. */
export async function countIdentities(db: Db): Promise<{ verified: number; claimedOnly: number }> {
  const row = await db
    .selectFrom('devices')
    .select((eb) => eb.fn.count<number>('verified_user_id').as('verified'))
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  const claimedOnly = await db
    .selectFrom('devices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('revoked_at', 'is', null)
    .where('user_id', 'is not', null)
    .where((eb) => eb.or([eb('verified_user_id', 'is', null), eb('verified_user_id', '!=', eb.ref('user_id'))]))
    .executeTakeFirstOrThrow();
  return { verified: Number(row.verified), claimedOnly: Number(claimedOnly.n) };
}
