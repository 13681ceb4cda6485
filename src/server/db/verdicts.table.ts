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
}
