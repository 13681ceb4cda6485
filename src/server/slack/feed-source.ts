/**
 * Which Slack feed the off-device correlation reads (issue #12), decided by the token's
 * scopes as Slack listed them (`x-oauth-scopes` on `auth.test`): the Audit Logs API where
 * the token has `auditlogs:read` (Enterprise Grid: every action, with its session), else
 * `team.accessLogs` where it has `admin` (every paid plan: logins per user, address and
 * client). The status says which and why, in a sentence an admin can act on.
 */
import type { SlackConnectionRow } from '../db/slack-connection.repository';

export type FeedSource = 'audit_logs' | 'access_logs' | 'none';

export interface Feed {
  source: FeedSource;
  why: string;
}

export function scopeList(row: Pick<SlackConnectionRow, 'scopes'> | undefined): string[] {
  return (row?.scopes ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function feedSource(row: Pick<SlackConnectionRow, 'scopes'> | undefined): Feed {
  if (!row) return { source: 'none', why: 'Slack is not connected.' };
  const scopes = scopeList(row);
  if (scopes.length === 0)
    return {
      source: 'audit_logs',
      why: 'Slack listed no scopes for the token, so the Audit Logs API is tried; its errors show below.',
    };
  if (scopes.includes('auditlogs:read'))
    return {
      source: 'audit_logs',
      why: 'The token has auditlogs:read (Enterprise Grid): the Audit Logs API, which names each action and its session.',
    };
  if (scopes.includes('admin'))
    return {
      source: 'access_logs',
      why: 'The token lacks auditlogs:read but has admin: team.accessLogs (any paid plan), logins per user, address and client, read every poll.',
    };
  return {
    source: 'none',
    why: 'The token has neither auditlogs:read (Audit Logs API) nor admin (team.accessLogs): off-device use is not watched.',
  };
}
