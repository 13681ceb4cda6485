/**
 * Reading the Slack team and user ids from the web client's `localConfig_v2` (the JSON
 * app.slack.com keeps in localStorage). Only `id`/`user_id` are read; the `xoxc` token
 * that sits beside them is never touched or copied. Shared by the content script and the
 * service worker, so it imports nothing.
 */

export interface SlackIdentity {
  teamId: string;
  userId: string;
}

export const SLACK_IDENTITY_MESSAGE = 'session-guard:slack-identity';
const TEAM = /^[TE][A-Z0-9]{2,20}$/;
const USER = /^[UW][A-Z0-9]{2,20}$/;

export function isSlackIdentity(value: unknown): value is SlackIdentity {
  const v = value as Partial<SlackIdentity> | null;
  return typeof v?.teamId === 'string' && TEAM.test(v.teamId) && typeof v.userId === 'string' && USER.test(v.userId);
}

/** The active team's ids, or null when the config is absent, malformed or incomplete. */
export function parseSlackIdentity(localConfig: string | null): SlackIdentity | null {
  if (!localConfig) return null;
  let config: { teams?: Record<string, { id?: unknown; user_id?: unknown }>; lastActiveTeamId?: unknown };
  try {
    config = JSON.parse(localConfig);
  } catch {
    return null;
  }
  const teams = config?.teams && typeof config.teams === 'object' ? config.teams : {};
  const active = typeof config.lastActiveTeamId === 'string' ? config.lastActiveTeamId : undefined;
  const keys = active && active in teams ? [active] : Object.keys(teams);
  for (const key of keys) {
    const team = teams[key];
    const candidate = { teamId: typeof team?.id === 'string' ? team.id : key, userId: team?.user_id };
    if (isSlackIdentity(candidate)) return { teamId: candidate.teamId, userId: candidate.userId };
  }
  return null;
}
