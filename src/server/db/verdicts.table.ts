/** Row type of `verdicts`: the signed payload text and signature exactly as sent. */
export interface VerdictsTable {
  id: string;
  device_id: string;
  subject: string;
  session_key: string | null;
  /** JSON array of reason codes. */
  reasons: string;
  finding_id: string;
  payload: string;
  signature: string;
  policy_version: number;
  issued_at: number;
  expires_at: number;
  /** Issue #14: `me` | `not_me` from the targeted device, once; null while unanswered. */
  user_answer?: string | null;
  /** Server clock when the answer arrived. */
  user_answered_at?: number | null;
}
