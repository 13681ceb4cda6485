/**
 * Who a rule spares (issue #14), as Slack's AER does: the policy's global `excludedUsers`,
 * and each detector's and each Slack anomaly's own `excludedUsers` and `excludedGroups`.
 * Only a user Slack vouched for (subject.ts) can be named by id or group; a device id
 * names that device. Groups are Slack user groups, resolved through a GroupDirectory
 * (slack/usergroups.ts); without one that can list them, a group matches nobody.
 */
import type { OrgPolicy, RuleSetting } from '../../shared/policy/org-policy';
import { isExcluded, type Subject } from './subject';

export interface GroupDirectory {
  /** The Slack user ids in `groupId`, or null when it cannot be listed (then it matches nobody). */
  members(groupId: string): Promise<ReadonlySet<string> | null>;
}

/** Why a subject is spared, or null: the global list, this rule's users, or one of its groups. */
export type Exclusion = { by: 'policy' } | { by: 'rule' } | { by: 'group'; group: string };

export async function exclusionOf(
  policy: OrgPolicy,
  rule: RuleSetting,
  subject: Subject,
  groups: GroupDirectory | null | undefined,
): Promise<Exclusion | null> {
  if (isExcluded(policy, subject)) return { by: 'policy' };
  const ids = [subject.deviceId, ...(subject.userId ? [subject.userId] : [])];
  if (ids.some((id) => rule.excludedUsers.includes(id))) return { by: 'rule' };
  if (!subject.userId || !groups) return null;
  for (const group of rule.excludedGroups) {
    const members = await groups.members(group);
    if (members?.has(subject.userId)) return { by: 'group', group };
  }
  return null;
}
