/**
 * Who a finding is about (issue #10). A device's page may claim any Slack user; only the
 * user Slack vouched for (trust/verified-user.ts) makes the subject a person: then
 * cooldowns count per user across their verified devices, `excludedUsers` may name them,
 * and a verdict names them for server-side revocation. Otherwise the subject is the device
 * itself and nothing about it reaches another device or another user.
 */
import type { OrgPolicy } from '../../shared/policy/org-policy';
import type { Signal } from '../../shared/protocol/signals';
import { setDeviceUser } from '../db/devices';
import type { Db } from '../db/schema';
import { verifiedUserOf } from '../trust/verified-user';

export interface Subject {
  /** The verified user id when there is one, else the device id. */
  id: string;
  /** The verified Slack user (null when Slack has not vouched for the device's current user). */
  userId: string | null;
  /** What the device's page last claimed, kept on findings as evidence only. */
  claimedUserId?: string | null;
  deviceId: string;
}

export interface SubjectDevice {
  id: string;
  /** The claimed user on the device row. */
  userId: string | null;
  verifiedUserId?: string | null;
}

/** The subject of a batch; records a newly claimed Slack user on the device row. */
export async function resolveSubject(db: Db, device: SubjectDevice, signals: readonly Signal[]): Promise<Subject> {
  const identity = [...signals].reverse().find((s) => s.type === 'slack_identity');
  let claimed = device.userId;
  if (identity?.type === 'slack_identity' && identity.userId !== claimed) {
    claimed = identity.userId;
    await setDeviceUser(db, device.id, claimed);
  }
  const userId = verifiedUserOf({ user_id: claimed, verified_user_id: device.verifiedUserId ?? null });
  return { id: userId ?? device.id, userId, claimedUserId: claimed, deviceId: device.id };
}

/** `excludedUsers` holds verified Slack user ids and device ids; a claimed user excludes nobody. */
export function isExcluded(policy: OrgPolicy, subject: Subject): boolean {
  return (
    policy.excludedUsers.includes(subject.deviceId) ||
    (subject.userId !== null && policy.excludedUsers.includes(subject.userId))
  );
}
