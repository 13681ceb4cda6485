/**
 * Who a finding is about. The Slack user the device's page last reported (`slack_identity`
 * signals, remembered on the device row) when known, else the device itself: cooldowns
 * count per user across their devices, and `excludedUsers` may name either.
 */
import type { OrgPolicy } from '../../shared/policy/org-policy';
import type { Signal } from '../../shared/protocol/signals';
import { setDeviceUser } from '../db/detection-state.repository';
import type { Db } from '../db/schema';

export interface Subject {
  /** The user id when known, else the device id. */
  id: string;
  userId: string | null;
  deviceId: string;
}

/** The subject of a batch; records a newly reported Slack user on the device row. */
export async function resolveSubject(
  db: Db,
  device: { id: string; userId: string | null },
  signals: readonly Signal[],
): Promise<Subject> {
  const identity = [...signals].reverse().find((s) => s.type === 'slack_identity');
  let userId = device.userId;
  if (identity?.type === 'slack_identity' && identity.userId !== userId) {
    userId = identity.userId;
    await setDeviceUser(db, device.id, userId);
  }
  return { id: userId ?? device.id, userId, deviceId: device.id };
}

/** `excludedUsers` holds Slack user ids and, for devices with no known user, device ids. */
export function isExcluded(policy: OrgPolicy, subject: Subject): boolean {
  return (
    policy.excludedUsers.includes(subject.deviceId) ||
    (subject.userId !== null && policy.excludedUsers.includes(subject.userId))
  );
}
