/**
 * Slack user groups for the policy's `excludedGroups` (issue #14): members come from
 * `usergroups.users.list` with the connection's token when it has `usergroups:read` (or
 * Slack listed no scopes, then the call decides). Each group's members are kept for
 * GROUP_TTL_MS; a group that cannot be listed matches nobody (and is tried again after
 * FAILURE_TTL_MS): an exclusion never comes from a guess. `groupsListable` says which,
 * for the policy page.
 */
import { getSlackConnection } from '../db/slack-connection.repository';
import type { GroupDirectory } from '../detection/exclusions';
import { withToken } from './connection';
import type { SlackContext } from './context';
import { scopeList } from './feed-source';
import { callMethod } from './web-api';

export const GROUP_TTL_MS = 10 * 60_000;
const FAILURE_TTL_MS = 60_000;
export const GROUPS_SCOPE = 'usergroups:read';

/** Whether the connection can list user groups: 'yes', 'no' (and why), or 'unknown' (no scopes listed). */
export async function groupsListable(sc: Pick<SlackContext, 'db'>): Promise<{ listable: boolean | null; why: string }> {
  const row = await getSlackConnection(sc.db);
  if (!row) return { listable: false, why: 'No Slack connection: excludedGroups match nobody.' };
  const scopes = scopeList(row);
  if (scopes.length === 0) return { listable: null, why: 'Slack listed no scopes; groups are tried on first use.' };
  return scopes.includes(GROUPS_SCOPE)
    ? { listable: true, why: `The token has ${GROUPS_SCOPE}: excludedGroups are resolved.` }
    : { listable: false, why: `The token lacks ${GROUPS_SCOPE}: excludedGroups match nobody.` };
}

export function slackGroupDirectory(sc: SlackContext): GroupDirectory {
  const cache = new Map<string, { members: ReadonlySet<string> | null; until: number }>();
  return {
    async members(groupId) {
      const now = sc.now();
      const hit = cache.get(groupId);
      if (hit && hit.until > now) return hit.members;
      let members: ReadonlySet<string> | null = null;
      try {
        if ((await groupsListable(sc)).listable !== false) {
          const answer = await withToken(sc, 'usergroups.users.list', (token) =>
            callMethod(sc.endpoints, token, 'usergroups.users.list', { usergroup: groupId }),
          );
          const users = answer.body.users;
          members = new Set(Array.isArray(users) ? users.filter((u): u is string => typeof u === 'string') : []);
        }
      } catch (error) {
        sc.log?.warn({ group: groupId, err: (error as Error).message }, 'user group not listable; it matches nobody');
      }
      cache.set(groupId, { members, until: now + (members ? GROUP_TTL_MS : FAILURE_TTL_MS) });
      return members;
    },
  };
}
