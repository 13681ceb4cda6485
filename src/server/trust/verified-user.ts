/**
 * Which Slack user a device counts as beyond itself (issue #10). A device's page may claim
 * any user (`devices.user_id`, from `slack_identity` signals); only the user Slack vouched
 * for through Sign in with Slack (`devices.verified_user_id`) reaches anything outside the
 * device: server-side revocation, baselines, the guarded footprint, per-user cooldown and
 * `excludedUsers`. A page that now shows someone else than the verified user makes the
 * device unverified again until Slack vouches for the new one.
 */
import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../db/schema';

export interface IdentityColumns {
  user_id: string | null;
  verified_user_id?: string | null;
}

/** The verified user, when the device's current claim (if any) agrees with it. */
export function verifiedUserOf(device: IdentityColumns | undefined | null): string | null {
  const verified = device?.verified_user_id ?? null;
  if (!verified) return null;
  return device!.user_id === null || device!.user_id === verified ? verified : null;
}

export type IdentityState = 'verified' | 'claimed' | 'unknown';

/** How the dashboard names a device's identity. */
export function identityState(device: IdentityColumns): IdentityState {
  if (verifiedUserOf(device)) return 'verified';
  return device.user_id ? 'claimed' : 'unknown';
}

/** SQL condition: the device's verified user is `userId` and its claim does not contradict it. */
export function isVerifiedAs(userId: string) {
  return (eb: ExpressionBuilder<Database, 'devices'>) =>
    eb.and([
      eb('devices.verified_user_id', '=', userId),
      eb.or([eb('devices.user_id', 'is', null), eb('devices.user_id', '=', userId)]),
    ]);
}
