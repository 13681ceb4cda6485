/** Row types of the access-log connector's tables (issue #12; migrations/20260206000000_slack_access_logs.ts). */

export interface SlackAccessStateTable {
  id: string;
  /** Unix seconds: every login aggregate whose `date_last` is below this was fetched. */
  watermark: number | null;
  /** The scan in progress: the `before` it started at, and where the next request reads. */
  scan_top: number | null;
  scan_before: number | null;
  scan_page: number | null;
  lease_owner: string | null;
  lease_until: number;
  /** Slack said 429: nobody asks before this (epoch ms). */
  paused_until: number;
  last_poll_at: number | null;
  last_error: string | null;
  entries_seen: number;
}

export interface SlackAccessEntriesTable {
  /** accessLoginKey(): hashed (user, ip, ua, date_last). */
  id: string;
  user_id: string;
  /** Unix seconds (Slack's). */
  date_last: number;
  /** The login as Slack sent it, JSON text. */
  payload: string;
  /** 'pending' | 'done' */
  status: string;
  locked_until: number;
  received_at: number;
  processed_at: number | null;
  result: string | null;
}
