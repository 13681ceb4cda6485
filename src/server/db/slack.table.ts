/** Row types of the Slack connection's tables (issue #7; migrations/20251101000000_slack.ts). */

export interface SlackConnectionTable {
  /** Always 'default': one connection per backend. */
  id: string;
  /** `v1.<iv>.<tag>.<ciphertext>` (base64url), AES-256-GCM; never the token itself. */
  token_sealed: string;
  /** Which secret key sealed it (src/server/slack/token-vault.ts), to say so when it differs. */
  key_id: string;
  team_id: string | null;
  team: string | null;
  enterprise_id: string | null;
  /** The Slack user the token belongs to (auth.test). */
  user_id: string | null;
  /** Comma list from Slack's `x-oauth-scopes` header, when it sent one. */
  scopes: string | null;
  connected_at: number;
  connected_by: string;
  last_test_at: number | null;
  last_test_ok: number | null;
  last_test_error: string | null;
}

export interface SlackRevocationsTable {
  verdict_id: string;
  device_id: string;
  user_id: string | null;
  /** 'session' | 'user' | 'none' (the verdict's policy asked for nothing). */
  mode: string;
  /** 'pending' | 'done' | 'failed' | 'not_requested' */
  status: string;
  /** Counted attempts (a 429 wait is not one) and when the job runs next, for the admin. */
  attempts: number;
  next_attempt_at: number;
  /** Unused since revocations run as jobs (issue #11: the job's lease); kept for old rows. */
  locked_until: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface SlackRevocationEventsTable {
  /** Time-ordered id (`<at>-<seq>-<random>`). */
  id: string;
  verdict_id: string;
  at: number;
  /** 'queued' | 'call' | 'invalidated' | 'kept' | 'reset' | 'done' | 'retry' | 'failed' | 'skipped' */
  kind: string;
  /** JSON object. */
  detail: string;
}

export interface SlackAuditStateTable {
  id: string;
  /*
   * The position and lease columns (watermark … lease_until) are no longer read: since
   * issue #11 the position is the `slack.audit.poll` job's payload and its lease the job's
   * (migrations/20260201000100_jobs_backfill.ts moved them). Kept for old rows.
   */
  /** Unix seconds: every entry with `date_create` below this was fetched. */
  watermark: number | null;
  /** The window being paged through (Unix seconds, inclusive), and Slack's cursor in it. */
  window_oldest: number | null;
  window_latest: number | null;
  cursor: string | null;
  lease_owner: string | null;
  lease_until: number;
  /** Slack said 429: nobody polls before this (epoch ms). */
  paused_until: number;
  last_poll_at: number | null;
  last_error: string | null;
  entries_seen: number;
}

export interface SlackAuditEntriesTable {
  /** Slack's entry id. */
  id: string;
  /** Unix seconds (Slack's). */
  date_create: number;
  action: string;
  /** The acting Slack user, when a user acted. */
  user_id: string | null;
  /** The entry as Slack sent it, JSON text. */
  payload: string;
  /** 'pending' | 'done' */
  status: string;
  locked_until: number;
  received_at: number;
  processed_at: number | null;
  /** What processing concluded, JSON text. */
  result: string | null;
}
