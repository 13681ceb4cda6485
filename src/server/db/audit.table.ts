/** Row type of `audit_log`: one admin action, append-only (issue #5). */
export interface AuditLogTable {
  id: string;
  at: number;
  /** `dashboard:<session>`, `token:<label>`, `cli`, or `anonymous` for a failed sign-in. */
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  /** JSON object text: what changed. */
  details: string;
}
