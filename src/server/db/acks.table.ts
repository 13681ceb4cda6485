import type { ColumnType } from 'kysely';

/** Row type of `acks`: at most one per verdict (the first one received wins). */
export interface AcksTable {
  verdict_id: string;
  device_id: string;
  outcome: string;
  detail: string | null;
  via: string;
  cookies_cleared: number;
  /** AckTimings as sent (device clock), JSON text. */
  timings: string;
  latency_ms: number | null;
  /** Server clock. */
  received_at: number;
  /** Issue #12: confirmed | failed | skipped; null from extensions older than the issue. */
  slack_signout: ColumnType<string | null, string | null | undefined, string | null>;
  /** The sign-out method, Slack's error code, or why it was skipped. */
  slack_signout_detail: ColumnType<string | null, string | null | undefined, string | null>;
}
