/**
 * "Is this Slack user active at Slack since T?" (issue #12): the one question the
 * guard_silenced check asks, answered from every record of Slack activity the backend
 * keeps. Each record kind is a source (the audit log's entries and the access logs'
 * aggregates, `SLACK_ACTIVITY_SOURCES`), returning what it saw after `since` with the
 * address and user agent Slack logged, so the caller can tell this browser from a phone.
 */
import { AccessLogin } from '../slack/access-log-entry';
import { AuditEntry, entryPlace } from '../slack/audit-entry';
import type { Db } from '../db/schema';

export interface SlackActivity {
  /** Unix ms of the activity, Slack's clock. */
  at: number;
  /** Which record said so: 'audit_log', 'access_log', … */
  source: string;
  /** The record's own id (an audit entry id, …), for the admin to look up. */
  ref: string;
  action: string;
  ip: string | null;
  ua: string | null;
}

/** The user's activity strictly after `since` (Unix ms), oldest first, at most `limit`. */
export type SlackActivitySource = (db: Db, userId: string, since: number, limit: number) => Promise<SlackActivity[]>;

/** Audit-log entries the user made, except Slack's own anomaly notes and our own admin calls. */
export const auditLogActivity: SlackActivitySource = async (db, userId, since, limit) => {
  const rows = await db
    .selectFrom('slack_audit_entries')
    .select(['id', 'date_create', 'action', 'payload', 'result'])
    .where('user_id', '=', userId)
    .where('date_create', '>=', Math.floor(since / 1000))
    .where('action', '!=', 'anomaly')
    .orderBy('date_create')
    .limit(limit + 50)
    .execute();
  const activity: SlackActivity[] = [];
  for (const row of rows) {
    const at = Number(row.date_create) * 1000;
    if (at <= since || row.result?.includes('"own_call"')) continue;
    const parsed = AuditEntry.safeParse(safeJson(row.payload));
    const place = parsed.success ? entryPlace(parsed.data) : { ip: null, ua: null };
    activity.push({ at, source: 'audit_log', ref: row.id, action: row.action, ip: place.ip, ua: place.ua });
  }
  return activity.slice(0, limit);
};

/**
 * `team.accessLogs` aggregates (issue #12) whose `date_last` falls after `since`: the
 * user signed in or used Slack from that address and user agent. Our own backend's calls
 * (the token owner's logins with Node's agent) are skipped as the connector skips them.
 */
export const accessLogActivity: SlackActivitySource = async (db, userId, since, limit) => {
  const rows = await db
    .selectFrom('slack_access_entries')
    .select(['id', 'date_last', 'payload', 'result'])
    .where('user_id', '=', userId)
    .where('date_last', '>=', Math.floor(since / 1000))
    .orderBy('date_last')
    .limit(limit + 50)
    .execute();
  const activity: SlackActivity[] = [];
  for (const row of rows) {
    const at = Number(row.date_last) * 1000;
    if (at <= since || row.result?.includes('"own_call"')) continue;
    const parsed = AccessLogin.safeParse(safeJson(row.payload));
    activity.push({
      at,
      source: 'access_log',
      ref: row.id,
      action: 'access_log',
      ip: parsed.success ? (parsed.data.ip ?? null) : null,
      ua: parsed.success ? (parsed.data.user_agent ?? null) : null,
    });
  }
  return activity.slice(0, limit);
};

export const SLACK_ACTIVITY_SOURCES: SlackActivitySource[] = [auditLogActivity, accessLogActivity];

/** Every source's activity after `since`, oldest first. */
export async function slackActivitySince(
  db: Db,
  userId: string,
  since: number,
  sources: readonly SlackActivitySource[] = SLACK_ACTIVITY_SOURCES,
  limit = 20,
): Promise<SlackActivity[]> {
  const all = (await Promise.all(sources.map((source) => source(db, userId, since, limit)))).flat();
  return all.sort((a, b) => a.at - b.at).slice(0, limit);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
